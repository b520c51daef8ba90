/** The grammars the diff view highlights, and which one a file's name picks (pure). */

import type { Grammar } from "./highlight";

const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter((w) => w !== ""));
const none: ReadonlySet<string> = new Set();
const C_COMMENTS = { lineComments: ["//"], blockComments: [["/*", "*/"]] as const };

function grammar(g: Partial<Grammar> & Pick<Grammar, "keywords">): Grammar {
  return { literals: none, lineComments: [], blockComments: [], strings: ['"', "'"], multiline: none, ...g };
}

const JS_KEYWORDS =
  "as async await break case catch class const continue debugger default delete do else enum export extends finally for from function get if implements import in instanceof interface let new of package private protected public readonly return satisfies set static super switch this throw try type typeof var void while with yield declare namespace abstract keyof infer is";

const javascript = grammar({
  keywords: words(JS_KEYWORDS),
  literals: words("true false null undefined NaN Infinity"),
  ...C_COMMENTS,
  strings: ['"', "'", "`"],
  multiline: words("`"),
});

const python = grammar({
  keywords: words(
    "and as assert async await break class continue def del elif else except finally for from global if import in is lambda match case nonlocal not or pass raise return try while with yield self cls",
  ),
  literals: words("True False None"),
  lineComments: ["#"],
  strings: ['"""', "'''", '"', "'"],
  multiline: words(`""" '''`),
});

const cFamily = (keywords: string, literals: string, extra: Partial<Grammar> = {}): Grammar =>
  grammar({ keywords: words(keywords), literals: words(literals), ...C_COMMENTS, charQuote: true, ...extra });

const go = cFamily(
  "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var",
  "true false nil iota",
  { strings: ['"', "'", "`"], multiline: words("`") },
);

const rust = cFamily(
  "as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait type unsafe use where while",
  "true false None Some Ok Err",
);

const c = cFamily(
  "auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while bool class namespace template typename public private protected virtual override new delete this throw try catch using nullptr constexpr include define ifdef ifndef endif pragma",
  "true false NULL nullptr",
);

const java = cFamily(
  "abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws transient try var void volatile while record sealed permits yield fun val when object companion data suspend override open internal lateinit is in out as by init string bool decimal namespace using readonly async await let guard func struct protocol extension self",
  "true false null nil",
);

const shell = grammar({
  keywords: words("if then else elif fi for while until do done case esac function in return export local readonly declare set unset shift exit break continue source alias"),
  literals: words("true false"),
  lineComments: ["#"],
  hashAfterSpace: true,
});

const ruby = grammar({
  keywords: words("alias and begin break case class def defined do else elsif end ensure for if in module next not or redo rescue retry return self super then undef unless until when while yield require attr_reader attr_accessor"),
  literals: words("true false nil"),
  lineComments: ["#"],
});

const sql = grammar({
  keywords: words(
    "select from where and or not insert into values update set delete create table drop alter add column index primary key foreign references join left right inner outer on group by order having limit offset as distinct union all case when then else end is in exists like between default unique constraint begin commit rollback view returning with",
  ),
  literals: words("null true false"),
  lineComments: ["--"],
  blockComments: [["/*", "*/"]],
  caseInsensitive: true,
});

const data = (lineComments: string[], literals: string) =>
  grammar({ keywords: none, literals: words(literals), lineComments });

const css = grammar({ keywords: words("important media import from to"), blockComments: [["/*", "*/"]] });
const markup = grammar({ keywords: none, blockComments: [["<!--", "-->"]] });
const lua = grammar({
  keywords: words("and break do else elseif end for function goto if in local not or repeat return then until while"),
  literals: words("true false nil"),
  lineComments: ["--"],
});

const BY_EXTENSION: Record<string, Grammar> = {
  js: javascript, mjs: javascript, cjs: javascript, jsx: javascript, ts: javascript, tsx: javascript, mts: javascript, cts: javascript, vue: javascript, svelte: javascript,
  py: python, pyi: python, pyw: python,
  go,
  rs: rust,
  c, h: c, cc: c, cpp: c, cxx: c, hpp: c, hh: c, m: c, mm: c,
  java, kt: java, kts: java, scala: java, cs: java, swift: java, dart: java, groovy: java, gradle: java,
  sh: shell, bash: shell, zsh: shell, fish: shell,
  rb: ruby, rake: ruby,
  sql,
  json: data([], "true false null"), jsonc: data(["//"], "true false null"),
  yaml: data(["#"], "true false null yes no on off"), yml: data(["#"], "true false null yes no on off"),
  toml: data(["#"], "true false"), ini: data(["#", ";"], "true false"), cfg: data(["#", ";"], "true false"), conf: data(["#"], "true false"),
  css, scss: grammar({ keywords: css.keywords, ...C_COMMENTS }), less: grammar({ keywords: css.keywords, ...C_COMMENTS }),
  html: markup, htm: markup, xml: markup, svg: markup,
  lua,
};

const BY_NAME: Record<string, Grammar> = {
  Makefile: shell, makefile: shell, GNUmakefile: shell, Dockerfile: shell, Containerfile: shell, Gemfile: ruby, Rakefile: ruby,
  ".bashrc": shell, ".zshrc": shell, ".profile": shell, ".gitignore": data(["#"], ""), ".env": data(["#"], ""),
};

/** The grammar for a file by its name, or null (plain text: Markdown, logs, unknown types). */
export function grammarFor(path: string): Grammar | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const named = BY_NAME[name] ?? (name.startsWith("Dockerfile") ? shell : undefined);
  if (named !== undefined) return named;
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return null;
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? null;
}

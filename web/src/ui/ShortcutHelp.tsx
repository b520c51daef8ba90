/** The `?` overlay: every keyboard shortcut (from keymap.ts) and the accessibility switches. */

import { SHORTCUT_HELP } from "../keymap";
import { Modal } from "./common";
import { usePreferences, useServices } from "./hooks";

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { preferences } = useServices();
  const { screenReader } = usePreferences();
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} wide class="shortcut-help">
      <div class="modal-body help-body">
        {SHORTCUT_HELP.map((section) => (
          <section key={section.title} class="help-section">
            <h3>{section.title}</h3>
            <dl class="shortcuts">
              {section.items.map((item) => (
                <div class="shortcut" key={item.does}>
                  <dt>
                    {item.keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && <span class="muted"> or </span>}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{item.does}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
        <section class="help-section">
          <h3>Accessibility</h3>
          <label class="check">
            <input type="checkbox" checked={screenReader} onChange={(e) => preferences.update({ screenReader: e.currentTarget.checked })} />
            <span>
              Screen reader mode for terminals <span class="muted">(xterm.js reads new output aloud and lets you browse the screen as text)</span>
            </span>
          </label>
        </section>
      </div>
    </Modal>
  );
}

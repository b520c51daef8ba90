/**
 * Images reach a worker by paste or drop on its terminal: each is fitted to the server's cap
 * (image-upload.ts) and sent as an `image` message; text pastes are left to xterm.js.
 */

import { IMAGE_MAX_BYTES, isImageType, type ImageType } from "../protocol";
import { base64Of, fitImage, ImageRefused, imageFiles, megabytes } from "./image-upload";

export interface ImageSink {
  /** Sends the image; false when not connected. */
  send(image: { data: string; mimeType: ImageType }): boolean;
  /** What to show the user: a problem (notice) or what is being done (progress); null clears. */
  report(patch: { notice?: string | null; progress?: string | null }): void;
}

/** Takes pasted and dropped images on `element`; returns what stops it. */
export function acceptImages(element: HTMLElement, sink: ImageSink): () => void {
  const onPaste = (event: ClipboardEvent) => {
    const files = imageFiles(event.clipboardData);
    if (files.length === 0) return;
    event.preventDefault();
    event.stopPropagation();
    void sendImages(files, sink);
  };
  const onDrag = (event: DragEvent) => {
    if (!(event.dataTransfer?.types.includes("Files") ?? false)) return;
    event.preventDefault();
    element.classList.toggle("drop-target", event.type === "dragover");
    if (event.type !== "drop") return;
    const files = imageFiles(event.dataTransfer);
    if (files.length > 0) void sendImages(files, sink);
    else sink.report({ notice: "Only images can be dropped on a terminal." });
  };
  element.addEventListener("paste", onPaste, true);
  const drags = ["dragover", "dragleave", "drop"] as const;
  for (const type of drags) element.addEventListener(type, onDrag);
  return () => {
    element.removeEventListener("paste", onPaste, true);
    for (const type of drags) element.removeEventListener(type, onDrag);
  };
}

async function sendImages(files: File[], sink: ImageSink): Promise<void> {
  for (const file of files) {
    if (file.size > IMAGE_MAX_BYTES || !isImageType(file.type)) {
      sink.report({ progress: `Making the ${megabytes(file.size)} image smaller to send it…` });
    }
    try {
      const image = await fitImage(file);
      const sent = sink.send({ data: await base64Of(image), mimeType: image.type });
      sink.report({ notice: sent ? null : "Not connected: the image was not sent.", progress: null });
    } catch (error) {
      const why = error instanceof ImageRefused ? error.message : String(error);
      sink.report({ notice: `The image was not sent. ${why}`, progress: null });
    }
  }
}

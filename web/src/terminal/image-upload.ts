/**
 * Turns a pasted or dropped image into one the server accepts: as it is when its type is one of
 * the four and it fits the cap, else re-encoded on a canvas, as image-fit.ts plans, until it does.
 */

import { IMAGE_MAX_BYTES, isImageType, type ImageType } from "../protocol";
import { firstEncoding, nextEncoding, scaledSize, type Encoding } from "./image-fit";

/** An image that cannot be made to fit, with what to tell the user. */
export class ImageRefused extends Error {}

export async function fitImage(file: Blob, cap: number = IMAGE_MAX_BYTES): Promise<Blob & { type: ImageType }> {
  if (file.size <= cap && isImageType(file.type)) return file as Blob & { type: ImageType };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new ImageRefused(`The browser cannot read this ${file.type || "file"} as an image.`);
  }
  try {
    let encoding: Encoding | null = firstEncoding(bitmap.width, bitmap.height);
    while (encoding !== null) {
      const blob = await encode(bitmap, encoding);
      if (blob.size <= cap && isImageType(blob.type)) return blob as Blob & { type: ImageType };
      encoding = nextEncoding(encoding, blob.size, blob.type, cap, bitmap.width, bitmap.height);
    }
  } finally {
    bitmap.close();
  }
  throw new ImageRefused(`The image is too large to send, even made smaller (the limit is ${megabytes(cap)}).`);
}

async function encode(bitmap: ImageBitmap, encoding: Encoding): Promise<Blob> {
  const { width, height } = scaledSize(bitmap.width, bitmap.height, encoding.scale);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  if (context === null) throw new ImageRefused("The browser cannot re-encode images (no canvas).");
  if (encoding.type === "image/jpeg") {
    context.fillStyle = "#ffffff"; // JPEG has no transparency: what was transparent turns white
    context.fillRect(0, 0, width, height);
  }
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, encoding.type, encoding.quality));
  canvas.width = canvas.height = 0; // let the browser free the pixels now
  if (blob === null) throw new ImageRefused("The browser could not re-encode the image.");
  return blob;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function base64Of(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error("could not read the image"));
    reader.readAsDataURL(file);
  });
}

/** The image files among a paste's or a drop's items, in order. */
export function imageFiles(data: DataTransfer | null): File[] {
  const files = [...(data?.items ?? [])]
    .filter((item) => item.kind === "file" && item.type.startsWith("image/"))
    .map((item) => item.getAsFile());
  return files.filter((file): file is File => file !== null);
}

import crypto from 'crypto';
import fs from 'fs/promises';
import os from 'os';
import path from 'path';
import zlib from 'zlib';
import type { Context } from '@nocobase/actions';
import type { Transaction } from '@nocobase/database';
import type PluginFileManagerServer from '@nocobase/plugin-file-manager';
import type { Application } from '@nocobase/server';

/** The demo town's pictures (visit photos, evidence, scans) are drawn, not shipped: small real PNG files. */
export type RGB = [number, number, number];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGB PNG of `width` × `height`, each pixel drawn by `pixel` (values are clamped to 0–255). */
export function png(width: number, height: number, pixel: (x: number, y: number) => RGB) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let o = 0;
  for (let y = 0; y < height; y++) {
    raw[o++] = 0;
    for (let x = 0; x < width; x++) {
      for (const v of pixel(x, y)) raw[o++] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The colour `t` (0–1) of the way from `a` to `b`. */
export const mix = (a: RGB, b: RGB, t: number): RGB =>
  [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * Math.min(1, Math.max(0, t)))) as RGB;

/**
 * Stores a picture through the file manager's default storage and records it as the upload of the user of
 * `context` (as attachments:create does: createdBy is the uploader, which the file guards check); its id.
 */
export async function uploadDemoPicture(
  app: Application,
  content: Buffer,
  title: string,
  options: { context?: Context; transaction?: Transaction } = {},
) {
  const fileManager = app.pm.get<PluginFileManagerServer>('file-manager');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'deputy-demo-'));
  const filePath = path.join(dir, `${crypto.randomBytes(8).toString('hex')}.png`);
  try {
    await fs.writeFile(filePath, content);
    const data = await fileManager.uploadFile({ filePath });
    const row = await app.db.getRepository('attachments').create({
      values: { ...data, title, mimetype: 'image/png' },
      context: options.context,
      transaction: options.transaction,
    });
    return row.get('id') as number;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

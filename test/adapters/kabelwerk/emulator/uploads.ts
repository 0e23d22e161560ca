/**
 * The client upload endpoint `POST /socket-api/uploads` (multipart field `file`, header `Kabelwerk-Token:
 * <user JWT>`) and the media URLs it hands out (vendors/kabelwerk.md §1.7, §2.5). MOCK: modelled on the
 * Dart SDK's Elixir test server (201 upload, 400 `{"errors": {}}`, 401 empty), not on the real backend.
 */
import type { HttpReply } from './rest.js';
import type { KabelwerkEmulatorState } from './state.js';
import type { Wire } from './wire.js';

/** MIME types the Dart mock accepts. */
export const UPLOAD_MIME_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

export class KabelwerkUploads {
  constructor(
    private readonly state: KabelwerkEmulatorState,
    private readonly wire: Wire,
  ) {}

  /** `userId` is the verified token's user (the caller checks the JWT and answers 401 itself). */
  async create(userId: number, headers: Record<string, string>, body: Buffer): Promise<HttpReply> {
    let form: FormData;
    try {
      form = await new Request('http://emulator/socket-api/uploads', {
        method: 'POST',
        headers: { 'content-type': headers['content-type'] ?? '' },
        body: new Uint8Array(body),
      }).formData();
    } catch {
      return { status: 400, body: { errors: {} } };
    }
    const file = form.get('file');
    if (!(file instanceof Blob) || !UPLOAD_MIME_TYPES.includes(file.type)) return { status: 400, body: { errors: {} } };
    const bytes = new Uint8Array(await file.arrayBuffer());
    const size = file.type === 'image/png' ? pngSize(bytes) : file.type === 'image/jpeg' ? jpegSize(bytes) : null;
    const upload = this.state.createUpload({
      userId,
      mimeType: file.type,
      name: 'name' in file && typeof file.name === 'string' ? file.name : 'upload',
      width: size?.width ?? null,
      height: size?.height ?? null,
      bytes,
    });
    return { status: 201, body: this.wire.upload(upload) };
  }

  /** `GET /media/uploads/<id>[/preview]`: the stored bytes (previews are not rescaled; media auth is UNCONFIRMED). */
  media(segments: string[]): { status: number; bytes?: Uint8Array; type?: string } {
    const [id, variant] = segments;
    const upload = id && /^\d+$/.test(id) ? this.state.uploads.get(Number(id)) : undefined;
    if (!upload || segments.length > 2 || (variant !== undefined && variant !== 'preview')) return { status: 404 };
    return { status: 200, bytes: upload.bytes, type: upload.mimeType };
  }
}

function pngSize(b: Uint8Array): { width: number; height: number } | null {
  // Signature (8 bytes), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4).
  if (b.length < 24 || b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  if (b[0] !== 0xff || b[1] !== 0xd8) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    const len = v.getUint16(i + 2);
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: v.getUint16(i + 5), width: v.getUint16(i + 7) };
    }
    i += 2 + len;
  }
  return null;
}

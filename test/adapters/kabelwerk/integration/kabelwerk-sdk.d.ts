/**
 * The part of the npm `kabelwerk` package (sdk-js 0.3.6, which ships no types) that the interop test
 * uses, as its docs describe it (docs/kabelwerk.md, docs/rooms.md).
 */
declare module 'kabelwerk' {
  interface Emitter {
    on(event: string, callback: (payload: any) => void): string;
    off(event?: string, ref?: string): void;
  }
  interface KabelwerkRoom extends Emitter {
    connect(): void;
    disconnect(): void;
    postMessage(params: { text: string } | { uploadId: number }): Promise<unknown>;
  }
  interface KabelwerkObject extends Emitter {
    config(config: { url?: string; token?: string; refreshToken?: (token: string) => Promise<string>; logging?: string }): void;
    connect(): void;
    disconnect(): void;
    createRoom(hubIdOrSlug: number | string): Promise<{ id: number }>;
    openRoom(id?: number): KabelwerkRoom;
  }
  const Kabelwerk: KabelwerkObject;
  export default Kabelwerk;
}

// Hands out fresh, independent typed arrays of one length as views into large
// shared chunks. Small typed arrays are expensive to allocate one by one in V8
// (a 128-byte Float32Array costs ~10× a view), so a vector env that returns
// fresh arrays every step takes them from here. A view kept alive keeps its
// whole chunk (≤ 64 KiB) alive.
type TypedArrayCtor<T> = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

export class ViewPool<T extends ArrayBufferView> {
  private readonly ctor: TypedArrayCtor<T>;
  private readonly length: number;
  private readonly viewBytes: number;
  private readonly chunkBytes: number;
  private chunk: ArrayBuffer;
  private offset: number;

  constructor(ctor: TypedArrayCtor<T>, length: number, chunkBytes = 65536) {
    this.ctor = ctor;
    this.length = length;
    // Keep every view aligned for its element type (8 bytes suits all of them).
    this.viewBytes = Math.max(8, Math.ceil((length * ctor.BYTES_PER_ELEMENT) / 8) * 8);
    this.chunkBytes = Math.max(this.viewBytes, Math.floor(chunkBytes / this.viewBytes) * this.viewBytes);
    this.chunk = new ArrayBuffer(this.chunkBytes);
    this.offset = 0;
  }

  /** A zero-filled array of the pool's length that no other caller will see. */
  next(): T {
    if (this.offset === this.chunkBytes) {
      this.chunk = new ArrayBuffer(this.chunkBytes);
      this.offset = 0;
    }
    const view = new this.ctor(this.chunk, this.offset, this.length);
    this.offset += this.viewBytes;
    return view;
  }
}

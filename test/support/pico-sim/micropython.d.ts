// The parts of @micropython/micropython-webassembly-pyscript (which ships no types) that the Pico
// simulation uses; see the tail of its micropython.mjs.
declare module '@micropython/micropython-webassembly-pyscript' {
  /** Emscripten's file system, as far as the simulation reaches into it. */
  export interface EmscriptenStreamOps {
    open?(stream: unknown): void;
    close?(stream: unknown): void;
    read?(stream: unknown, buffer: Int8Array, offset: number, length: number, position?: number): number;
    write?(stream: unknown, buffer: Int8Array, offset: number, length: number, position?: number): number;
    poll?(stream: unknown, timeout: number): number;
  }

  export interface EmscriptenFS {
    lookupPath(path: string, options?: { follow?: boolean }): { node: { rdev: number } };
    getDevice(dev: number): { stream_ops: EmscriptenStreamOps } | undefined;
    makedev(major: number, minor: number): number;
    registerDevice(dev: number, ops: EmscriptenStreamOps): void;
    mkdev(path: string, mode: number, dev: number): void;
    writeFile(path: string, data: string | Uint8Array): void;
    mkdir(path: string): void;
    ErrnoError: new (errno: number) => Error;
  }

  export interface MicroPython {
    _module: {
      _mp_sched_keyboard_interrupt(): void;
      _mp_hal_get_interrupt_char(): number;
    };
    FS: EmscriptenFS;
    registerJsModule(name: string, module: object): void;
    runPython(code: string): unknown;
    runPythonAsync(code: string): Promise<unknown>;
    replInit(): void;
    replProcessChar(chr: number): number;
  }

  export interface LoadOptions {
    pystack?: number;
    heapsize?: number;
    url?: string;
    stdin?: () => number | null | undefined;
    stdout?: (bytes: Uint8Array | string) => void;
    stderr?: (bytes: Uint8Array | string) => void;
    linebuffer?: boolean;
  }

  export function loadMicroPython(options?: LoadOptions): Promise<MicroPython>;
}

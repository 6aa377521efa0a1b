/**
 * The byte pipe to the Pico: what a `serialport` SerialPort offers, and what tests make from two
 * PassThrough streams. The owner opens and closes it; the Pico classes only listen and write.
 */
export interface ByteLink {
  write(bytes: Buffer): unknown;
  on(event: 'data', listener: (bytes: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  removeListener(event: 'data', listener: (bytes: Buffer) => void): unknown;
  removeListener(event: 'close', listener: () => void): unknown;
}

/** Frame types (docs/pico-link-protocol.md, sections 3 and 6). Bit 7 set: host to device. */
export const DeviceFrameType = {
  hello: 0x01,
  audio: 0x02,
  status: 0x03,
  button: 0x04,
  end: 0x05,
  error: 0x06,
  pong: 0x07,
} as const;

export const HostFrameType = {
  start: 0x81,
  stop: 0x82,
  status: 0x83,
  ping: 0x84,
  exit: 0x85,
} as const;

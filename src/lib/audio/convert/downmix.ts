/**
 * Averages the channels of each of the first `frames` frames into one value, in place: frame f's
 * average lands at index f, never past the frame still to be read. An average of samples lies
 * within their range, so it cannot clip.
 */
export function averageChannels(values: Float64Array, channels: number, frames: number): void {
  for (let f = 0, start = 0; f < frames; f++, start += channels) {
    let sum = 0;
    // Indexes are in range by construction; `as number` only tells the compiler so.
    for (let k = 0; k < channels; k++) sum += values[start + k] as number;
    values[f] = sum / channels;
  }
}

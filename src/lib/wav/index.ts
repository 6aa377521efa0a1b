export { WavFileWriter, type WavFileSummary, type WavFileWriterOptions } from './file-writer';
export { speakerMask } from './fmt-chunk';
export { buildWavHeader, parseWavHeader, readWavInfo, RIFF_LIMIT, wavLayout, type WavInfo, type WavLayout } from './header';
export {
  defaultPartPath,
  framesPerPart,
  WavRecordingWriter,
  type WavRecordingOptions,
  type WavRecordingSummary,
} from './recording-writer';
export { repairWavFile, type WavRepairResult } from './repair';
export { WavFormatError } from './wav-format-error';

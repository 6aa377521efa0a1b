/** 1.5 * 2^52: from here up to 2^53, float64 values are exactly the whole numbers. */
const WHOLE_NUMBER_SHIFT = 6_755_399_441_055_744;

/**
 * Rounds to the nearest whole number, ties to the even one: 1.5 -> 2, 2.5 -> 2, -0.5 -> 0.
 * Math.round sends every tie up, which would bias the output by up to half a step; ties are
 * common when cutting bits (an SPH0645's 18 bits in a 32-bit slot land exactly halfway
 * between two 16-bit values in a quarter of its samples).
 * Adding the shift moves the value where float64 holds only whole numbers, so the addition
 * itself rounds, the IEEE way (to nearest, ties to even); taking the shift off again is exact.
 * Valid for |value| < 2^51; callers clip first.
 */
export function roundHalfToEven(value: number): number {
  return value + WHOLE_NUMBER_SHIFT - WHOLE_NUMBER_SHIFT;
}

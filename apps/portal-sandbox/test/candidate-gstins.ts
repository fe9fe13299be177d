import { gstinCheckCharacter } from '@practice-sync/contracts';

/** Valid GSTINs in a fixed, reproducible order (state 27, PAN AAACR0000K…), for finding test subjects. */
export function* candidateGstins(): Generator<string> {
  for (let n = 0; n < 10_000; n++) {
    const first14 = `27AAACR${String(n).padStart(4, '0')}K1Z`;
    yield `${first14}${gstinCheckCharacter(first14)}`;
  }
}

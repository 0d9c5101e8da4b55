/** The one way the pipeline reads a source's listing. */
import type { CertificateSource, ListedAppliance } from './ports.ts';

/** The source's listing, with object versions when the source has them (names only otherwise). */
export async function* listingOf(source: CertificateSource): AsyncIterable<ListedAppliance> {
  if (source.listVersioned) {
    yield* source.listVersioned();
    return;
  }
  for await (const name of source.listAppliances()) yield { name };
}

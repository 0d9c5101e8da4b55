/**
 * Files named by a setting (the signing secret, the gateway's CA bundle): read once at start, bounded, and
 * refused with a message naming the setting, never quoting the file.
 */
import { ConfigError } from '../../app/errors.ts';
import { readFileCapped } from '../dir/dirFiles.ts';

/**
 * The text of `file`, at most `limit` bytes; an unreadable file, one that is not a regular file, or one
 * too large to be `what` (`a secret`, `a CA bundle`) is a {@link ConfigError} naming `setting`.
 */
export async function readSettingFile(file: string, setting: string, limit: number, what: string): Promise<string> {
  const read = await readFileCapped(file, limit);
  switch (read.kind) {
    case 'failed':
      throw new ConfigError(`${setting}: the file cannot be read (${read.code})`, { cause: read.error });
    case 'notFile':
      throw new ConfigError(`${setting}: the file cannot be read (not a regular file)`);
    case 'tooLarge':
      throw new ConfigError(`${setting}: the file is too large to be ${what}`);
  }
  return new TextDecoder().decode(read.bytes);
}

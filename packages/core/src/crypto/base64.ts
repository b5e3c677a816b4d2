// Buffer.from(s, 'base64') silently skips characters it does not understand, so a truncated
// or mistyped key would decode to *something*. Only canonical, padded base64 is accepted here.
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The decoded bytes, or undefined when the text is not canonical base64. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!CANONICAL_BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Rejects non-zero padding bits, the one thing the pattern cannot see.
  if (bytes.toString('base64') !== text) {
    bytes.fill(0);
    return undefined;
  }
  return bytes;
}

export function encodeBase64(bytes: Buffer): string {
  return bytes.toString('base64');
}

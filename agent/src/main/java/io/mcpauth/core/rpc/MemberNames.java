package io.mcpauth.core.rpc;

/**
 * The member names that decide dispatch at one level of a JSON-RPC message, and the names that
 * merely look like them. The SDK's Jackson mapper matches names exactly, after unescaping (an
 * escaped {@code m} still spells {@code method}), but a case-insensitive mapper, a proxy or
 * another server in front can read {@code Method}, {@code METHOD} or {@code method} followed by
 * an escaped NUL as {@code method} (CVE-2026-27896, GHSA-q382-vc8q-7jhj). Such a look-alike makes
 * the message ambiguous wherever the member decides dispatch, so the peek refuses it rather than
 * guess which one wins.
 *
 * <p>A name looks like one of these when, with controls, format characters (zero-width, bidi,
 * BOM), whitespace and combining marks left out and case folded, it spells the same; the names
 * are short ASCII words, so both spellings are packed into a {@code long}, one byte a character.
 */
final class MemberNames {

  static final int OTHER = -1;
  /** {@link #lookAlike} codes are at or below this. */
  private static final int LOOK_ALIKE = -2;
  /** Packed spellings hold at most this many characters. */
  static final int MAX_PACKED = 8;

  static final MemberNames TOP_LEVEL = new MemberNames(true, "jsonrpc", "method", "id", "params", "result", "error");
  static final int JSONRPC = 0;
  static final int METHOD = 1;
  static final int ID = 2;
  static final int PARAMS = 3;
  static final int RESULT = 4;
  static final int ERROR = 5;

  static final MemberNames IN_PARAMS = new MemberNames(true, "name", "uri");
  static final int NAME = 0;
  static final int URI = 1;

  /** Inside {@code error}: read for its shape only, so look-alikes are not looked for. */
  static final MemberNames IN_ERROR = new MemberNames(false, "code", "message");
  static final int CODE = 0;
  static final int MESSAGE = 1;

  private final String[] spellings;
  private final long[] packed;
  private final int[] lengths;
  private final boolean detectsLookAlikes;

  private MemberNames(boolean detectsLookAlikes, String... names) {
    this.detectsLookAlikes = detectsLookAlikes;
    this.spellings = names;
    this.packed = new long[names.length];
    this.lengths = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      for (char c : names[i].toCharArray()) {
        packed[i] = packed[i] << 8 | c;
      }
      lengths[i] = names[i].length();
    }
  }

  String spelling(int index) {
    return spellings[index];
  }

  /** The index of the name spelled exactly so, or {@link #OTHER}. */
  int indexOf(long spelling, int length) {
    for (int i = 0; i < packed.length; i++) {
      if (packed[i] == spelling && lengths[i] == length) {
        return i;
      }
    }
    return OTHER;
  }

  /**
   * The code of a name that is none of these: {@link #lookAlike} of the one it folds to, or
   * {@link #OTHER}.
   */
  int lookAlikeOf(long folded, int length) {
    int index = detectsLookAlikes ? indexOf(folded, length) : OTHER;
    return index == OTHER ? OTHER : lookAlike(index);
  }

  /** The code of a look-alike of the name at {@code index}. */
  static int lookAlike(int index) {
    return LOOK_ALIKE - index;
  }

  static boolean isLookAlike(int code) {
    return code <= LOOK_ALIKE;
  }

  /** The index of the name a look-alike code imitates. */
  static int imitated(int code) {
    return LOOK_ALIKE - code;
  }

  /** Characters a lenient reader may drop from a name: controls (NUL), format, spaces, combining marks. */
  static boolean ignorable(int codePoint) {
    if (codePoint >= 'a' && codePoint <= 'z') {
      return false;
    }
    switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK:
        return true;
      default:
        return false;
    }
  }

  /**
   * Case folding as lenient readers do it: upper then lower, so the long s (U+017F), the dotless i
   * (U+0131), the Kelvin sign (U+212A) and the dotted capital I (U+0130) fold to ASCII letters.
   */
  static int fold(int codePoint) {
    if (codePoint < 0x80) {
      return codePoint >= 'A' && codePoint <= 'Z' ? codePoint + ('a' - 'A') : codePoint;
    }
    return Character.toLowerCase(Character.toUpperCase(codePoint));
  }
}

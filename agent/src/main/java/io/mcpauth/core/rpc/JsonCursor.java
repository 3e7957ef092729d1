package io.mcpauth.core.rpc;

import static io.mcpauth.core.rpc.PeekRejectedException.badRequest;

import io.mcpauth.core.json.JsonLexer;

/**
 * The {@link JsonLexer} over a request body for the peek: the server parses the whole body, so
 * the peek accepts only what the server's Jackson parser also accepts, and less. Adds the reading
 * of member names against {@link MemberNames}, and refusals as 400s.
 */
final class JsonCursor extends JsonLexer<PeekRejectedException> {

  JsonCursor(byte[] in, int length) {
    super(in, length);
  }

  @Override
  protected PeekRejectedException error(Problem problem) {
    return badRequest((problem.ofTheBytes() ? "the body " : "the JSON ") + problem.phrase());
  }

  /** Reads a member's name ({@link #memberName}) and the colon after it, up to the value. */
  int memberKey(MemberNames names) throws PeekRejectedException {
    if (peek() != '"') {
      throw malformed();
    }
    int key = memberName(names);
    whitespace();
    expect(':');
    whitespace();
    return key;
  }

  /**
   * Reads the member name at the cursor: its index in {@code names}, a
   * {@link MemberNames#lookAlike} code for a name that only looks like one of them, or
   * {@link MemberNames#OTHER}.
   */
  int memberName(MemberNames names) throws PeekRejectedException {
    int start = pos;
    pos++; // '"'
    long exact = 0;
    int exactLength = 0; // -1 once it cannot be one of the names
    long folded = 0;
    int foldedLength = 0;
    for (int c = nextCodePoint(); c != END_OF_STRING; c = nextCodePoint()) {
      if (exactLength >= 0) {
        if (c > 0x7F || exactLength == MemberNames.MAX_PACKED) {
          exactLength = -1;
        } else {
          exact = exact << 8 | c;
          exactLength++;
        }
      }
      if (foldedLength >= 0 && !MemberNames.ignorable(c)) {
        int f = MemberNames.fold(c);
        if (f > 0x7F || foldedLength == MemberNames.MAX_PACKED) {
          foldedLength = -1;
        } else {
          folded = folded << 8 | f;
          foldedLength++;
        }
      }
    }
    checkNameLength(start);
    int index = exactLength < 0 ? MemberNames.OTHER : names.indexOf(exact, exactLength);
    return index != MemberNames.OTHER || foldedLength < 0 ? index : names.lookAlikeOf(folded, foldedLength);
  }
}

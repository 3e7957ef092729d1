package io.mcpauth.core.instrumentation;

/**
 * The prologues {@link ProloguePatcher} inserts: each ends on a 4-byte boundary, so the padding of
 * the original's {@code tableswitch} and {@code lookupswitch} stays right (JVMS §6.5), and puts its
 * one stack map frame before the original code starts, so it never shares an offset with a frame
 * of the original (JVMS §4.7.4).
 */
enum PrologueShape {
  /** In {@code void m(a, b)}: {@code if (Bridge.m(this, a, b)) return;} */
  RETURN_IF_TRUE(12, 10, 3),
  /**
   * In a servlet's {@code void doX(request, response)}: {@code Object use = Bridge.m(this,
   * request, response); if (use == null) return; response = (HttpServletResponse) use;}, so the
   * gate can hand back a wrapper of the response.
   */
  SERVLET_ENTRY(16, 12, 3),
  /** In {@code R m(argument)}: {@code Object reply = Bridge.m(this, argument); if (reply != null) return (R) reply;} */
  RETURN_IF_NONNULL(16, 13, 2);

  /** The prologue's length in bytes: a multiple of 4. */
  final int length;
  /** Where its branch lands, and so its stack map frame: always before the original code. */
  final int frameOffset;
  final int maxStack;

  PrologueShape(int length, int frameOffset, int maxStack) {
    this.length = length;
    this.frameOffset = frameOffset;
    this.maxStack = maxStack;
  }

  /** Writes the prologue, calling the bridge method at constant {@code method}, casting to constant {@code cast}. */
  void write(ByteOutput out, int method, int cast) {
    switch (this) {
      case RETURN_IF_TRUE -> {
        out.u1(0x2A).u1(0x2B).u1(0x2C);           // 0: aload_0, aload_1, aload_2
        out.u1(0xB8).u2(method);                   // 3: invokestatic bridge
        out.u1(0x99).u2(4);                        // 6: ifeq 10
        out.u1(0xB1);                              // 9: return
        out.u1(0x00).u1(0x00);                     // 10: nop, nop (the frame is at 10)
      }
      case SERVLET_ENTRY -> {
        out.u1(0x2A).u1(0x2B).u1(0x2C);           // 0: aload_0, aload_1, aload_2
        out.u1(0xB8).u2(method);                   // 3: invokestatic bridge
        out.u1(0x59);                              // 6: dup
        out.u1(0xC7).u2(5);                        // 7: ifnonnull 12
        out.u1(0x57).u1(0xB1);                     // 10: pop, return
        out.u1(0xC0).u2(cast);                     // 12: checkcast HttpServletResponse (the frame is at 12)
        out.u1(0x4D);                              // 15: astore_2
      }
      case RETURN_IF_NONNULL -> {
        out.u1(0x2A).u1(0x2B);                    // 0: aload_0, aload_1
        out.u1(0xB8).u2(method);                   // 2: invokestatic bridge
        out.u1(0x59);                              // 5: dup
        out.u1(0xC6).u2(7);                        // 6: ifnull 13
        out.u1(0xC0).u2(cast);                     // 9: checkcast the return type
        out.u1(0xB0);                              // 12: areturn
        out.u1(0x57).u1(0x00).u1(0x00);           // 13: pop, nop, nop (the frame is at 13)
      }
      default -> throw new IllegalStateException(name());
    }
  }

  /** Our frame is the first: its offset delta is its offset. The implicit frame before it holds the parameters. */
  void writeFrame(ByteOutput out, int objectClass) {
    if (this == RETURN_IF_TRUE) {
      out.u1(frameOffset); // same_frame
    } else {
      out.u1(64 + frameOffset); // same_locals_1_stack_item: the bridge's answer
      out.u1(7).u2(objectClass);       // Object_variable_info: java/lang/Object
    }
  }

  int frameLength() {
    return this == RETURN_IF_TRUE ? 1 : 4;
  }
}

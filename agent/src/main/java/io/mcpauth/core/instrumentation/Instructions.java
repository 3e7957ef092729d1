package io.mcpauth.core.instrumentation;

/** The length of each JVM instruction (JVMS §6.5), to walk a method's code one instruction at a time. */
final class Instructions {

  /** Fixed lengths by opcode; 0 for the variable ones (the switches, wide) and for opcodes that do not exist. */
  private static final byte[] LENGTHS = lengths();

  private Instructions() {}

  private static byte[] lengths() {
    byte[] lengths = new byte[256];
    for (int op = 0x00; op <= 0xC9; op++) {
      lengths[op] = 1;
    }
    for (int op : new int[] {0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3A, 0xA9, 0xBC}) {
      lengths[op] = 2; // bipush, ldc, loads, stores, ret, newarray
    }
    for (int op = 0x99; op <= 0xA8; op++) {
      lengths[op] = 3; // if*, goto, jsr
    }
    for (int op : new int[] {0x11, 0x13, 0x14, 0x84, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xBB, 0xBD, 0xC0, 0xC1,
        0xC6, 0xC7}) {
      lengths[op] = 3; // sipush, ldc_w, ldc2_w, iinc, field and method refs, new, anewarray, checkcast, instanceof, ifnull
    }
    lengths[0xC5] = 4; // multianewarray
    for (int op : new int[] {0xB9, 0xBA, 0xC8, 0xC9}) {
      lengths[op] = 5; // invokeinterface, invokedynamic, goto_w, jsr_w
    }
    lengths[0xAA] = 0; // tableswitch
    lengths[0xAB] = 0; // lookupswitch
    lengths[0xC4] = 0; // wide
    return lengths;
  }

  /** The length of the instruction at {@code pc} of the code that starts at {@code start}. */
  static int length(byte[] code, int start, int pc) {
    int op = code[pc] & 0xFF;
    int fixed = LENGTHS[op];
    if (fixed > 0) {
      return fixed;
    }
    int padding = 3 - ((pc - start) & 3); // the operands start at a multiple of 4 from the code's start
    switch (op) {
      case 0xAA -> {
        int operands = pc + 1 + padding;
        long low = s4(code, operands + 4);
        long high = s4(code, operands + 8);
        if (high < low) {
          throw new IllegalArgumentException("tableswitch with high below low");
        }
        return Math.toIntExact(1 + padding + 12 + (high - low + 1) * 4);
      }
      case 0xAB -> {
        int pairs = s4(code, pc + 1 + padding + 4);
        if (pairs < 0) {
          throw new IllegalArgumentException("lookupswitch with a negative count");
        }
        return Math.toIntExact(1 + padding + 8 + (long) pairs * 8);
      }
      case 0xC4 -> {
        return (code[pc + 1] & 0xFF) == 0x84 ? 6 : 4; // wide iinc, or a wide load/store/ret
      }
      default -> throw new IllegalArgumentException("unknown opcode " + op);
    }
  }

  private static int s4(byte[] code, int offset) {
    return ((code[offset] & 0xFF) << 24) | ((code[offset + 1] & 0xFF) << 16) | ((code[offset + 2] & 0xFF) << 8)
        | (code[offset + 3] & 0xFF);
  }
}

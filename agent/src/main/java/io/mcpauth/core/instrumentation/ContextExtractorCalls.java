package io.mcpauth.core.instrumentation;

import java.util.ArrayList;
import java.util.List;

/**
 * Hands the admitted caller to the server's handlers through the SDK's own transport context:
 * every call a transport makes of its context extractor,
 *
 * <pre>
 *   invokeinterface McpTransportContextExtractor.extract(Object)McpTransportContext    (5 bytes)
 * </pre>
 *
 * becomes an {@code invokedynamic} of the same five bytes and the same stack effect, which the
 * bridge links ({@code AuthBridge.transportContextSite}) to the gate's {@code transportContext}: the
 * application's extractor still runs, and the {@code mcpauth.*} keys are added to what it returns.
 * No offset moves and no stack map frame changes, so this is done on the class file where it lies,
 * like the prologues; the constant pool and the {@code BootstrapMethods} attribute grow by one entry
 * per variant. The call site is the same from SDK 0.12.0 to 2.1.0, in the servlet and both Spring
 * families, and in the transports' lambdas too (WebFlux extracts inside its Mono). SDK 0.11.x
 * extracts into a context the transport made ({@link #SEEDED}); SDK 0.10.x and the 0.11.0 to 0.11.2
 * SSE transports have no transport context at all ({@link Rewritten#mentionsContext()} false).
 */
final class ContextExtractorCalls {

  static final String EXTRACTOR = "io/modelcontextprotocol/server/McpTransportContextExtractor";
  static final String CONTEXT = "io/modelcontextprotocol/common/McpTransportContext";
  /** SDK 0.11.x: the context lived in the server package, and the extractor filled one it was given. */
  static final String SEEDED_CONTEXT = "io/modelcontextprotocol/server/McpTransportContext";

  /**
   * One shape of the extractor's call.
   *
   * @param extract the descriptor of {@code extract}
   * @param site the invokedynamic's type: the extractor, then the arguments, as they are on the stack
   */
  record Variant(String extract, String site) {}

  /** SDK 0.12.0 and later: {@code extract(request)}. */
  static final Variant PLAIN = new Variant("(Ljava/lang/Object;)L" + CONTEXT + ";",
      "(L" + EXTRACTOR + ";Ljava/lang/Object;)L" + CONTEXT + ";");
  /** SDK 0.11.x: {@code extract(request, new DefaultMcpTransportContext())}. */
  static final Variant SEEDED = new Variant("(Ljava/lang/Object;L" + SEEDED_CONTEXT + ";)L" + SEEDED_CONTEXT + ";",
      "(L" + EXTRACTOR + ";Ljava/lang/Object;L" + SEEDED_CONTEXT + ";)L" + SEEDED_CONTEXT + ";");
  private static final Variant[] VARIANTS = {PLAIN, SEEDED};

  private static final int INVOKEINTERFACE = 0xB9;
  private static final int INVOKEDYNAMIC = 0xBA;

  /**
   * The rewritten class file, how many calls were rewritten (0: the class file as it was), and
   * whether the class names a transport context at all (an SDK line before transport contexts does not).
   */
  record Rewritten(byte[] classFile, int calls, boolean mentionsContext) {}

  private ContextExtractorCalls() {}

  static Rewritten rewrite(byte[] classFile) {
    try {
      return rewrite(new ClassFile(classFile));
    } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new IllegalArgumentException("malformed class file: " + e.getMessage(), e);
    }
  }

  private static Rewritten rewrite(ClassFile file) {
    boolean mentionsContext = mentionsContext(file);
    List<List<Integer>> sites = new ArrayList<>();
    int alreadyLinked = 0;
    for (Variant variant : VARIANTS) {
      List<Integer> found = new ArrayList<>();
      alreadyLinked += callSites(file, extractMethodRef(file, variant), linkedSite(file, variant), found);
      sites.add(found);
    }
    if (sites.stream().allMatch(List::isEmpty)) {
      // a class rewritten before (defined so by another tool, then retransformed) is counted, not rewritten twice
      return new Rewritten(file.in, alreadyLinked, mentionsContext);
    }
    if (file.majorVersion() < 51) {
      throw new IllegalArgumentException("class file version " + file.majorVersion() + " has no invokedynamic");
    }
    byte[] in = file.in;
    int attributesAt = file.classAttributesAt();
    int bootstrapMethodsAt = 0;
    for (int a = 0, n = file.u2(attributesAt), offset = attributesAt + 2; a < n; a++) {
      if ("BootstrapMethods".equals(file.utf8(file.u2(offset)))) {
        bootstrapMethodsAt = offset;
      }
      offset += 6 + file.u4(offset + 2);
    }
    int bootstrapIndex = bootstrapMethodsAt == 0 ? 0 : file.u2(bootstrapMethodsAt + 6);

    ConstantPoolAppender pool = new ConstantPoolAppender(file.poolCount);
    int handle = pool.staticMethodHandle(BridgeCalls.OWNER, BridgeCalls.TRANSPORT_CONTEXT_SITE.name(),
        BridgeCalls.TRANSPORT_CONTEXT_SITE.descriptor());
    int[] siteEntries = new int[VARIANTS.length];
    for (int v = 0; v < VARIANTS.length; v++) {
      if (!sites.get(v).isEmpty()) {
        // every variant's site shares the one bootstrap method, which links by the site's type
        siteEntries[v] = pool.invokeDynamic(bootstrapIndex, BridgeCalls.TRANSPORT_CONTEXT.name(), VARIANTS[v].site());
      }
    }
    int attributeName = bootstrapMethodsAt == 0 ? pool.utf8("BootstrapMethods") : 0;
    if (pool.count > 0xFFFF) {
      throw new IllegalArgumentException("the constant pool would exceed 65535 entries");
    }

    ByteOutput out = new ByteOutput(in.length + pool.bytes.length + 16);
    out.bytes(in, 0, 8);
    out.u2(pool.count);
    out.bytes(in, 10, file.poolEnd - 10);
    out.bytes(pool.bytes.array, 0, pool.bytes.length);
    out.bytes(in, file.poolEnd, attributesAt - file.poolEnd);
    int shift = pool.bytes.length;
    int calls = alreadyLinked;
    for (int v = 0; v < VARIANTS.length; v++) {
      for (int at : sites.get(v)) {
        out.array[at + shift] = (byte) INVOKEDYNAMIC;
        out.set2(at + shift + 1, siteEntries[v]);
        out.set2(at + shift + 3, 0);
        calls++;
      }
    }
    int attributes = file.u2(attributesAt);
    out.u2(bootstrapMethodsAt == 0 ? attributes + 1 : attributes);
    for (int a = 0, offset = attributesAt + 2; a < attributes; a++) {
      int length = file.u4(offset + 2);
      if (offset == bootstrapMethodsAt) {
        out.bytes(in, offset, 2);
        out.u4(length + 4);
        out.u2(bootstrapIndex + 1);
        out.bytes(in, offset + 8, length - 2);
        out.u2(handle).u2(0);
      } else {
        out.bytes(in, offset, 6 + length);
      }
      offset += 6 + length;
    }
    if (bootstrapMethodsAt == 0) {
      out.u2(attributeName).u4(6).u2(1).u2(handle).u2(0);
    }
    return new Rewritten(out.toByteArray(), calls, mentionsContext);
  }

  /** Whether any constant names a transport context or its extractor, in whichever package. */
  private static boolean mentionsContext(ClassFile file) {
    for (int index = 1; index < file.poolCount; index++) {
      int offset = file.entries[index];
      if (offset != 0 && file.in[offset] == 1 && file.utf8(index).contains("McpTransportContext")) {
        return true;
      }
    }
    return false;
  }

  /** The constant-pool index of an InvokeDynamic this rewrite made; 0 when the class has none. */
  private static int linkedSite(ClassFile file, Variant variant) {
    for (int index = 1; index < file.poolCount; index++) {
      int offset = file.entries[index];
      if (offset == 0 || file.in[offset] != 18) {
        continue;
      }
      int nameAndType = file.entries[file.u2(offset + 3)];
      if (BridgeCalls.TRANSPORT_CONTEXT.name().equals(file.utf8(file.u2(nameAndType + 1)))
          && variant.site().equals(file.utf8(file.u2(nameAndType + 3)))) {
        return index;
      }
    }
    return 0;
  }

  /** The constant-pool index of the InterfaceMethodref to the extractor's extract; 0 when the class has none. */
  private static int extractMethodRef(ClassFile file, Variant variant) {
    for (int index = 1; index < file.poolCount; index++) {
      int offset = file.entries[index];
      if (offset == 0 || file.in[offset] != 11) {
        continue;
      }
      int nameAndType = file.entries[file.u2(offset + 3)];
      if (EXTRACTOR.equals(file.className(file.u2(offset + 1)))
          && "extract".equals(file.utf8(file.u2(nameAndType + 1)))
          && variant.extract().equals(file.utf8(file.u2(nameAndType + 3)))) {
        return index;
      }
    }
    return 0;
  }

  /**
   * Adds to {@code sites} the offset of every {@code invokeinterface} of {@code methodRef}, in every
   * method's code; returns how many {@code invokedynamic}s of {@code linked} there are already.
   */
  private static int callSites(ClassFile file, int methodRef, int linked, List<Integer> sites) {
    int alreadyLinked = 0;
    int offset = file.methodsAt;
    int methods = file.u2(offset);
    offset += 2;
    for (int m = 0; m < methods; m++) {
      int attributes = file.u2(offset + 6);
      offset += 8;
      for (int a = 0; a < attributes; a++) {
        if ("Code".equals(file.utf8(file.u2(offset)))) {
          int start = offset + 14;
          int end = start + file.u4(offset + 10);
          for (int pc = start; pc < end; pc += Instructions.length(file.in, start, pc)) {
            int op = file.in[pc] & 0xFF;
            if (op == INVOKEINTERFACE && methodRef != 0 && file.u2(pc + 1) == methodRef) {
              sites.add(pc);
            } else if (op == INVOKEDYNAMIC && linked != 0 && file.u2(pc + 1) == linked) {
              alreadyLinked++;
            }
          }
        }
        offset += 6 + file.u4(offset + 2);
      }
    }
    return alreadyLinked;
  }
}

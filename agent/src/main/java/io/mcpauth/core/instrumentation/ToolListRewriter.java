package io.mcpauth.core.instrumentation;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * In the SDK server's {@code tools/list} handler (the lambda javac names
 * {@code lambda$toolsListRequestHandler$N}, taking the caller's exchange or transport context), turns
 * each read of the server's tool list into the part of it the caller may call:
 *
 * <pre>
 *   this.tools  →  (CopyOnWriteArrayList) AuthBridge.visibleTools(this.tools, exchange)
 * </pre>
 *
 * The same shape from SDK 0.17.0 to 2.1.0, in {@code McpAsyncServer} (exchange) and
 * {@code McpStatelessAsyncServer} (context); the sync servers delegate to these.
 */
final class ToolListRewriter extends MethodVisitor {

  static final String EXCHANGE = "io/modelcontextprotocol/server/McpAsyncServerExchange";
  static final String CONTEXT = "io/modelcontextprotocol/common/McpTransportContext";

  private final String owner;
  private final int callerSlot;
  private final int[] rewritten;

  private ToolListRewriter(MethodVisitor target, String owner, int callerSlot, int[] rewritten) {
    super(Opcodes.ASM9, target);
    this.owner = owner;
    this.callerSlot = callerSlot;
    this.rewritten = rewritten;
  }

  /** The rewriter for a tools/list handler lambda, or {@code method} itself for any other method. */
  static MethodVisitor of(MethodVisitor method, String owner, int access, String name, String descriptor, int[] rewritten) {
    if (!name.startsWith("lambda$toolsListRequestHandler$")) {
      return method;
    }
    int slot = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
    for (Type argument : Type.getArgumentTypes(descriptor)) {
      if (argument.getSort() == Type.OBJECT
          && (argument.getInternalName().equals(EXCHANGE) || argument.getInternalName().equals(CONTEXT))) {
        return new ToolListRewriter(method, owner, slot, rewritten);
      }
      slot += argument.getSize();
    }
    return method;
  }

  @Override
  public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
    super.visitFieldInsn(opcode, fieldOwner, name, descriptor);
    if (opcode == Opcodes.GETFIELD && fieldOwner.equals(owner) && name.equals("tools")
        && descriptor.equals("Ljava/util/concurrent/CopyOnWriteArrayList;")) {
      super.visitVarInsn(Opcodes.ALOAD, callerSlot);
      super.visitMethodInsn(Opcodes.INVOKESTATIC, BridgeCalls.OWNER, BridgeCalls.VISIBLE_TOOLS.name(),
          BridgeCalls.VISIBLE_TOOLS.descriptor(), false);
      super.visitTypeInsn(Opcodes.CHECKCAST, "java/util/concurrent/CopyOnWriteArrayList");
      rewritten[0]++;
    }
  }

  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    super.visitMaxs(maxStack + 1, maxLocals);
  }
}

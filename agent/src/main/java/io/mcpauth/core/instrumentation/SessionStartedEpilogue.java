package io.mcpauth.core.instrumentation;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Inserts before every return of a servlet session transport's constructor
 * {@code (provider, String sessionId, AsyncContext, PrintWriter)}, the object behind each SSE stream:
 *
 * <pre>
 *   AuthBridge.streamStarted(this, sessionId, asyncContext);
 * </pre>
 *
 * A legacy SSE session id is created inside the SSE GET and never leaves it but in the stream, so
 * this is where it is bound to the caller the gate admitted on that GET; and where a stream learns
 * when its token expires.
 */
final class SessionStartedEpilogue extends MethodVisitor {

  SessionStartedEpilogue(MethodVisitor target) {
    super(Opcodes.ASM9, target);
  }

  @Override
  public void visitInsn(int opcode) {
    if (opcode == Opcodes.RETURN) {
      super.visitVarInsn(Opcodes.ALOAD, 0);
      super.visitVarInsn(Opcodes.ALOAD, 2);
      super.visitVarInsn(Opcodes.ALOAD, 3);
      super.visitMethodInsn(Opcodes.INVOKESTATIC, BridgeCalls.OWNER, BridgeCalls.STREAM_STARTED.name(),
          BridgeCalls.STREAM_STARTED.descriptor(), false);
    }
    super.visitInsn(opcode);
  }

  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    super.visitMaxs(Math.max(maxStack, 3), maxLocals);
  }
}

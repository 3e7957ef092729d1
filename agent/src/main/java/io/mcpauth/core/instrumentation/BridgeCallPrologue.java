package io.mcpauth.core.instrumentation;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Inserts, as the first instructions of a {@code void m(request, response)} method:
 *
 * <pre>
 *   if (AuthBridge.bridgeMethod(this, request, response)) return;
 * </pre>
 *
 * Nothing else of the method changes, no member is added (so classes already loaded can be
 * retransformed on attach), and nothing catches: an exception from the bridge ends the method.
 */
final class BridgeCallPrologue extends MethodVisitor {

  private static final String BRIDGE = "io/mcpauth/agent/bootstrap/AuthBridge";
  private static final String DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Z";

  private final String bridgeMethod;
  private final boolean framesRequired;

  BridgeCallPrologue(MethodVisitor target, String bridgeMethod, int classVersion) {
    super(Opcodes.ASM9, target);
    this.bridgeMethod = bridgeMethod;
    // Java 6+ class files need a stack map frame where the original code now starts.
    this.framesRequired = (classVersion & 0xFFFF) >= Opcodes.V1_6;
  }

  @Override
  public void visitCode() {
    super.visitCode();
    super.visitVarInsn(Opcodes.ALOAD, 0);
    super.visitVarInsn(Opcodes.ALOAD, 1);
    super.visitVarInsn(Opcodes.ALOAD, 2);
    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, bridgeMethod, DESCRIPTOR, false);
    Label original = new Label();
    super.visitJumpInsn(Opcodes.IFEQ, original);
    super.visitInsn(Opcodes.RETURN);
    super.visitLabel(original);
    if (framesRequired) {
      super.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
    }
    // keeps our frame apart from one the original code may declare at its very first instruction
    super.visitInsn(Opcodes.NOP);
  }

  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    super.visitMaxs(Math.max(maxStack, 3), maxLocals);
  }
}

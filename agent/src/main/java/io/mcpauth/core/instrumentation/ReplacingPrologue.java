package io.mcpauth.core.instrumentation;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Inserts, as the first instructions of a one-argument method that returns an object (a Spring
 * handler returning a {@code ServerResponse} or a {@code Mono}):
 *
 * <pre>
 *   Object reply = AuthBridge.bridgeMethod(this, argument);
 *   if (reply != null) return (ReturnType) reply;
 * </pre>
 *
 * No member is added and nothing catches: an exception from the bridge ends the method.
 */
final class ReplacingPrologue extends MethodVisitor {

  private static final String BRIDGE = "io/mcpauth/agent/bootstrap/AuthBridge";
  private static final String DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";

  private final String bridgeMethod;
  private final String returnType;
  private final boolean framesRequired;

  ReplacingPrologue(MethodVisitor target, String bridgeMethod, String methodDescriptor, int classVersion) {
    super(Opcodes.ASM9, target);
    this.bridgeMethod = bridgeMethod;
    this.returnType = Type.getReturnType(methodDescriptor).getInternalName();
    this.framesRequired = (classVersion & 0xFFFF) >= Opcodes.V1_6;
  }

  @Override
  public void visitCode() {
    super.visitCode();
    super.visitVarInsn(Opcodes.ALOAD, 0);
    super.visitVarInsn(Opcodes.ALOAD, 1);
    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, bridgeMethod, DESCRIPTOR, false);
    super.visitInsn(Opcodes.DUP);
    Label original = new Label();
    super.visitJumpInsn(Opcodes.IFNULL, original);
    super.visitTypeInsn(Opcodes.CHECKCAST, returnType);
    super.visitInsn(Opcodes.ARETURN);
    super.visitLabel(original);
    if (framesRequired) {
      super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Object"});
    }
    super.visitInsn(Opcodes.POP);
  }

  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    super.visitMaxs(Math.max(maxStack, 2), maxLocals);
  }
}

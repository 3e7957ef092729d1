package io.mcpauth.core.instrumentation;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Inserts, as the first instructions of a servlet transport's {@code doGet}, {@code doPost} or
 * {@code doDelete}:
 *
 * <pre>
 *   Object use = AuthBridge.servletEntry(this, request, response);
 *   if (use == null) return;
 *   response = (HttpServletResponse) use;
 * </pre>
 *
 * The gate may hand back a wrapper of the response, to learn the session id the transport assigns.
 * No member is added and nothing catches: an exception from the bridge ends the method.
 */
final class ServletEntryPrologue extends MethodVisitor {

  private static final String BRIDGE = "io/mcpauth/agent/bootstrap/AuthBridge";
  private static final String DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";
  private static final String RESPONSE = "jakarta/servlet/http/HttpServletResponse";

  private final boolean framesRequired;

  ServletEntryPrologue(MethodVisitor target, int classVersion) {
    super(Opcodes.ASM9, target);
    this.framesRequired = (classVersion & 0xFFFF) >= Opcodes.V1_6;
  }

  @Override
  public void visitCode() {
    super.visitCode();
    super.visitVarInsn(Opcodes.ALOAD, 0);
    super.visitVarInsn(Opcodes.ALOAD, 1);
    super.visitVarInsn(Opcodes.ALOAD, 2);
    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "servletEntry", DESCRIPTOR, false);
    super.visitInsn(Opcodes.DUP);
    Label admitted = new Label();
    super.visitJumpInsn(Opcodes.IFNONNULL, admitted);
    super.visitInsn(Opcodes.POP);
    super.visitInsn(Opcodes.RETURN);
    super.visitLabel(admitted);
    if (framesRequired) {
      super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Object"});
    }
    super.visitTypeInsn(Opcodes.CHECKCAST, RESPONSE);
    super.visitVarInsn(Opcodes.ASTORE, 2);
  }

  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    super.visitMaxs(Math.max(maxStack, 3), maxLocals);
  }
}

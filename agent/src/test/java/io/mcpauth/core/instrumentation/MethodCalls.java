package io.mcpauth.core.instrumentation;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** Every method call a class file makes, as {@code caller -> owner.name}, to check what a rewrite did. */
final class MethodCalls {

  private MethodCalls() {}

  static List<String> in(byte[] classFile) {
    List<String> calls = new ArrayList<>();
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String caller, String descriptor, String signature, String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean isInterface) {
            calls.add(caller + " -> " + owner + "." + name);
          }

          @Override
          public void visitInvokeDynamicInsn(String name, String desc, Handle bootstrap, Object... arguments) {
            calls.add(caller + " -> " + bootstrap.getOwner() + "." + bootstrap.getName() + " (invokedynamic)");
          }
        };
      }
    }, 0);
    return calls;
  }

  /** How many calls of {@code owner.name} there are, from any method. */
  static long count(List<String> calls, String ownerDotName) {
    return calls.stream().filter(call -> call.endsWith(" -> " + ownerDotName)).count();
  }
}

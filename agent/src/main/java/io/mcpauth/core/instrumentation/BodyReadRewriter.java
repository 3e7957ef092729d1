package io.mcpauth.core.instrumentation;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Turns a transport's read of a POSTed body into a call to the bridge, which hands back the body
 * the gate already read and judged (per-message scope rules), or else does the original read:
 *
 * <pre>
 *   HttpServletRequestUtils.readBody(request, max)  →  (String) AuthBridge.readBody(request, max, Transport.class)
 *   request.getReader()                             →  (BufferedReader) AuthBridge.getReader(request, Transport.class)
 *   serverRequest.body(String.class)                →  AuthBridge.body(serverRequest, String.class, Transport.class)
 *   serverRequest.bodyToMono(String.class)          →  (Mono) AuthBridge.bodyToMono(serverRequest, String.class, Transport.class)
 * </pre>
 *
 * Each replacement leaves the operand stack as the original call did, so no frame changes; the
 * class literal adds one slot. The servlet SDK reads with {@code readBody} from 0.18.4, 1.1.4 and
 * 2.0.1 on, with {@code getReader} before; the Spring transports read with {@code body} (WebMVC)
 * or {@code bodyToMono} (WebFlux) on every line.
 */
final class BodyReadRewriter extends MethodVisitor {

  private static final String READ_BODY_OWNER = "io/modelcontextprotocol/server/transport/HttpServletRequestUtils";
  private static final String READ_BODY = "(Ljakarta/servlet/http/HttpServletRequest;I)Ljava/lang/String;";
  private static final String GET_READER = "()Ljava/io/BufferedReader;";
  private static final String WEBMVC_REQUEST = "org/springframework/web/servlet/function/ServerRequest";
  private static final String WEBFLUX_REQUEST = "org/springframework/web/reactive/function/server/ServerRequest";

  private final Type transport;
  private final int[] rewritten;

  /** @param rewritten its first element counts the calls replaced, for the caller to check the shape */
  BodyReadRewriter(MethodVisitor target, String transportInternalName, int[] rewritten) {
    super(Opcodes.ASM9, target);
    this.transport = Type.getObjectType(transportInternalName);
    this.rewritten = rewritten;
  }

  @Override
  public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
    if (opcode == Opcodes.INVOKESTATIC && owner.equals(READ_BODY_OWNER) && name.equals("readBody")
        && descriptor.equals(READ_BODY)) {
      replace(BridgeCalls.READ_BODY, "java/lang/String");
    } else if (opcode == Opcodes.INVOKEINTERFACE && name.equals("getReader") && descriptor.equals(GET_READER)
        && (owner.equals("jakarta/servlet/http/HttpServletRequest") || owner.equals("jakarta/servlet/ServletRequest"))) {
      replace(BridgeCalls.GET_READER, "java/io/BufferedReader");
    } else if (opcode == Opcodes.INVOKEINTERFACE && owner.equals(WEBMVC_REQUEST) && name.equals("body")
        && descriptor.equals("(Ljava/lang/Class;)Ljava/lang/Object;")) {
      replace(BridgeCalls.BODY, null);
    } else if (opcode == Opcodes.INVOKEINTERFACE && owner.equals(WEBFLUX_REQUEST) && name.equals("bodyToMono")
        && descriptor.equals("(Ljava/lang/Class;)Lreactor/core/publisher/Mono;")) {
      replace(BridgeCalls.BODY_TO_MONO, "reactor/core/publisher/Mono");
    } else {
      super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }
  }

  private void replace(BridgeCalls.Call bridge, String resultType) {
    super.visitLdcInsn(transport);
    super.visitMethodInsn(Opcodes.INVOKESTATIC, BridgeCalls.OWNER, bridge.name(), bridge.descriptor(), false);
    if (resultType != null) {
      super.visitTypeInsn(Opcodes.CHECKCAST, resultType);
    }
    rewritten[0]++;
  }

  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    super.visitMaxs(maxStack + 1, maxLocals);
  }
}

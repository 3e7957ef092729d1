package io.mcpauth.core.gate;

import io.mcpauth.agent.bootstrap.BodyRead;
import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.rpc.JsonRpcPeek;
import io.mcpauth.core.rpc.PeekRejectedException;
import io.mcpauth.core.rpc.RpcMessage;
import io.mcpauth.core.scopes.ScopePolicy;
import io.mcpauth.core.token.VerifiedToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.util.List;

/**
 * Per-message authorization (RS-11): the gate reads a POSTed body before the transport does, peeks
 * at the JSON-RPC message in it, and checks the scopes its method, tool, prompt or resource needs.
 * An admitted body is kept on the request under {@link #BODY_ATTRIBUTE} and handed back to the
 * transport in place of its own read (see {@code BodyReadRewriter}), so the server dispatches the
 * very bytes that were judged.
 */
final class MessageAuthorization {

  /** Where an admitted body waits for the transport's read. Only the gate sets it. */
  static final String BODY_ATTRIBUTE = "io.mcpauth.judged-body";

  /** A refused message: the reply, its code, and for the log line why; never a quote of the body. */
  record Refusal(Reply reply, ReasonCode reason, String detail) {}

  private final JsonRpcPeek peek;
  private final ScopePolicy policy;

  MessageAuthorization(JsonRpcPeek peek, ScopePolicy policy) {
    this.peek = peek;
    this.policy = policy;
  }

  int maxBodyBytes() {
    return peek.maxBodyBytes();
  }

  /** A refusal of a body whose declared length is over the limit, before reading it; else null. */
  Refusal refuseDeclaredLength(long contentLength) {
    return contentLength > peek.maxBodyBytes()
        ? new Refusal(Challenges.unreadableBody(413, "the body is larger than " + peek.maxBodyBytes() + " bytes"),
            ReasonCode.BODY_TOO_LARGE, "body over " + peek.maxBodyBytes() + " bytes")
        : null;
  }

  /**
   * The body, in an array of its declared length (already checked against the limit); without a
   * Content-Length (chunked), at most one byte more than the limit: enough to tell an oversized
   * body, however it is framed.
   */
  byte[] read(InputStream body, long contentLength) throws IOException {
    return body.readNBytes(contentLength >= 0 ? (int) contentLength : peek.maxBodyBytes() + 1);
  }

  /** The one JSON-RPC message in this body, as the server will read it. */
  RpcMessage peek(byte[] body, String contentType, String contentEncoding) throws PeekRejectedException {
    return peek.peek(body, body.length, contentType, contentEncoding);
  }

  /** The refusal of a body that holds no one unambiguous message. */
  static Refusal unreadable(PeekRejectedException e) {
    ReasonCode reason = switch (e.status()) {
      case 413 -> ReasonCode.BODY_TOO_LARGE;
      case 415 -> ReasonCode.BODY_MEDIA_TYPE_REFUSED;
      default -> ReasonCode.BODY_MALFORMED;
    };
    return new Refusal(Challenges.unreadableBody(e.status(), e.reason()), reason, e.reason());
  }

  /** The refusal of this message for this token, or null when it may go to the server. */
  Refusal authorize(RpcMessage message, VerifiedToken token, Challenges challenges) {
    if (!policy.readsMessages()) {
      // Read for the audit trail only: no rule names a message, so every message needs just the
      // every-request scopes, which the decision before the body has already checked.
      return null;
    }
    List<String> needed = policy.requiredFor(message);
    if (policy.grants(token.scopes(), needed)) {
      return null;
    }
    return new Refusal(challenges.insufficientScope(needed), ReasonCode.INSUFFICIENT_SCOPE,
        "subject " + LogText.printable(token.subject()) + " lacks a scope for " + describe(message));
  }

  private static final ClassValue<MethodHandle> MAX_SIZE_EXCEEDED = new ClassValue<>() {
    @Override
    protected MethodHandle computeValue(Class<?> transport) {
      try {
        Class<?> exception = Class.forName(transport.getPackageName() + ".MaxSizeExceededException", false,
            transport.getClassLoader());
        MethodHandle constructor = MethodHandles.privateLookupIn(transport, MethodHandles.lookup())
            .findConstructor(exception, MethodType.methodType(void.class, String.class));
        return constructor.asType(MethodType.methodType(Exception.class, String.class));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("no MaxSizeExceededException beside " + transport.getName(), e);
      }
    }
  };

  /**
   * The transport's read of a POSTed body ({@code Gate.requestBody}): the body the gate judged, as
   * the replaced call would have returned it. The peek admits only UTF-8 (or unlabelled) JSON, and
   * the text handed back is decoded as UTF-8, so the server parses exactly what was judged.
   */
  static Object handBack(BodyRead read, Object request, Object argument, Class<?> transport) throws Throwable {
    byte[] body = switch (read) {
      case READ_BODY, GET_READER -> {
        ServletApi api = ServletApi.ofLoaderOf(transport);
        byte[] kept = (byte[]) api.attribute(request, BODY_ATTRIBUTE);
        api.removeAttribute(request, BODY_ATTRIBUTE);
        yield kept;
      }
      case BODY -> (byte[]) WebMvcApi.of(transport).attributes(request).remove(BODY_ATTRIBUTE);
      case BODY_TO_MONO -> (byte[]) WebFluxApi.of(transport).attributes(request).remove(BODY_ATTRIBUTE);
    };
    if (body == null) {
      // The gate judges every POST before a transport runs; a read it did not prepare is a path it
      // did not see, and the unjudged bytes must not reach the server.
      throw new IllegalStateException("mcpauth: a request body that was not authorized; refusing to pass it on");
    }
    String text = new String(body, StandardCharsets.UTF_8);
    switch (read) {
      case READ_BODY:
        if (body.length > (Integer) argument) {
          throw (Exception) MAX_SIZE_EXCEEDED.get(transport).invokeExact("Request body size exceeds maximum allowed size of "
              + argument + " bytes");
        }
        return text;
      case GET_READER:
        return new BufferedReader(new StringReader(text));
      case BODY:
        if (argument == String.class) {
          return text;
        }
        break;
      case BODY_TO_MONO:
        if (argument == String.class) {
          return WebFluxApi.of(transport).monoJust(text);
        }
        break;
      default:
        break;
    }
    throw new IllegalStateException("mcpauth: unexpected body read " + read + " of " + argument);
  }

  private static String describe(RpcMessage message) {
    String target = message.name() != null ? message.name() : message.uri();
    return LogText.printable(message.method()) + (target == null ? "" : " " + LogText.printable(target));
  }
}

package io.mcpauth.core.scopes;

import io.mcpauth.core.rpc.RpcMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which scopes a request needs (RS-11): the scopes every request needs, plus those of its JSON-RPC
 * method, plus those of the tool, prompt or resource it names. A rule named {@code *} covers every
 * tool, prompt or resource without a rule of its own; a resource rule ending in {@code *} covers the
 * URIs that start with what precedes it, the longest such prefix winning. Scope hierarchies
 * ({@code mcp:admin} implies {@code mcp:tools}) are honoured, transitively, when deciding whether a
 * token grants what is needed; the challenge always names the scopes as the rules spell them.
 */
public final class ScopePolicy {

  /** The rule that covers every name without a rule of its own. */
  public static final String ANY = "*";

  private final List<String> everyRequest;
  private final Map<String, List<String>> methods;
  private final Map<String, List<String>> tools;
  private final Map<String, List<String>> prompts;
  private final Map<String, List<String>> resources;
  /** Resource rules ending in '*', without it, longest first. */
  private final List<Map.Entry<String, List<String>>> resourcePrefixes;
  /** For each scope that implies others: every scope it grants, itself included. */
  private final Map<String, Set<String>> grantedBy;
  /**
   * What a tools/call or prompts/get needs, worked out once per named rule and for the rest: the
   * check on the request path then allocates nothing.
   */
  private final Map<String, List<String>> toolCalls;
  private final List<String> anyToolCall;
  private final Map<String, List<String>> promptGets;
  private final List<String> anyPromptGet;

  public ScopePolicy(List<String> everyRequest, Map<String, List<String>> methods, Map<String, List<String>> tools,
      Map<String, List<String>> prompts, Map<String, List<String>> resources, Map<String, List<String>> implies) {
    this.everyRequest = List.copyOf(everyRequest);
    this.methods = Map.copyOf(methods);
    this.tools = Map.copyOf(tools);
    this.prompts = Map.copyOf(prompts);
    this.resources = Map.copyOf(resources);
    // Plain loops: the policy is built in premain, where each lambda or stream costs start-up time.
    List<Map.Entry<String, List<String>>> prefixes = new ArrayList<>();
    for (Map.Entry<String, List<String>> rule : resources.entrySet()) {
      String uri = rule.getKey();
      if (uri.endsWith(ANY) && !uri.equals(ANY)) {
        prefixes.add(Map.entry(uri.substring(0, uri.length() - 1), List.copyOf(rule.getValue())));
      }
    }
    if (prefixes.size() > 1) {
      prefixes.sort((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length())); // longest first
    }
    this.resourcePrefixes = List.copyOf(prefixes);
    this.grantedBy = closure(implies);
    this.toolCalls = withMethodNeeds(tools, needsForMethod("tools/call"));
    this.anyToolCall = union(needsForMethod("tools/call"), tools.getOrDefault(ANY, List.of()));
    this.promptGets = withMethodNeeds(prompts, needsForMethod("prompts/get"));
    this.anyPromptGet = union(needsForMethod("prompts/get"), prompts.getOrDefault(ANY, List.of()));
  }

  private static Map<String, List<String>> withMethodNeeds(Map<String, List<String>> rules, List<String> methodNeeds) {
    Map<String, List<String>> needs = new HashMap<>();
    for (Map.Entry<String, List<String>> rule : rules.entrySet()) {
      needs.put(rule.getKey(), union(methodNeeds, rule.getValue()));
    }
    return needs;
  }

  /** A policy with only the scopes every request needs. */
  public static ScopePolicy everyRequest(List<String> scopes) {
    return new ScopePolicy(scopes, Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
  }

  /** True when some rule depends on the JSON-RPC message, so the gate must read the body first. */
  public boolean readsMessages() {
    return !methods.isEmpty() || !tools.isEmpty() || !prompts.isEmpty() || !resources.isEmpty();
  }

  /** The scopes every request needs, whatever it carries. */
  public List<String> everyRequest() {
    return everyRequest;
  }

  /** Every scope some rule names, in a stable order: for the metadata's {@code scopes_supported}. */
  public List<String> namedScopes() {
    LinkedHashSet<String> all = new LinkedHashSet<>(everyRequest);
    for (Map<String, List<String>> rules : List.of(methods, tools, prompts, resources)) {
      List<String> names = new ArrayList<>(rules.keySet());
      Collections.sort(names);
      for (String name : names) {
        all.addAll(rules.get(name));
      }
    }
    return List.copyOf(all);
  }

  /** Every scope the message needs, in a stable order: the ones for every request, the method's, the target's. */
  public List<String> requiredFor(RpcMessage message) {
    if (message.method() == null) {
      return everyRequest;
    }
    switch (message.method()) {
      case "tools/call":
        return byName(toolCalls, anyToolCall, message.name());
      case "prompts/get":
        return byName(promptGets, anyPromptGet, message.name());
      case "resources/read", "resources/subscribe", "resources/unsubscribe":
        return union(needsForMethod(message.method()), resourceRule(message.uri()));
      default:
        return needsForMethod(message.method());
    }
  }

  private List<String> needsForMethod(String method) {
    List<String> own = methods.get(method);
    return own == null ? everyRequest : union(everyRequest, own);
  }

  /** A missing name (no params: the SDK then calls nothing) still gets the {@code *} rule: fail closed. */
  private static List<String> byName(Map<String, List<String>> named, List<String> any, String name) {
    List<String> own = name == null ? null : named.get(name);
    return own != null ? own : any;
  }

  private static List<String> union(List<String> first, List<String> second) {
    if (second.isEmpty() || first.containsAll(second)) {
      return first;
    }
    if (first.isEmpty()) {
      return second;
    }
    LinkedHashSet<String> all = new LinkedHashSet<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }

  private List<String> resourceRule(String uri) {
    if (uri != null) {
      List<String> exact = resources.get(uri);
      if (exact != null) {
        return exact;
      }
      for (Map.Entry<String, List<String>> prefix : resourcePrefixes) {
        if (uri.startsWith(prefix.getKey())) {
          return prefix.getValue();
        }
      }
    }
    return resources.getOrDefault(ANY, List.of());
  }

  /** True when the granted scopes, with all they imply, include every needed one. */
  public boolean grants(Collection<String> granted, List<String> needed) {
    if (grantedBy.isEmpty() || granted.containsAll(needed)) {
      return granted.containsAll(needed);
    }
    for (String scope : needed) {
      if (!granted.contains(scope) && !impliedByAny(granted, scope)) {
        return false;
      }
    }
    return true;
  }

  private boolean impliedByAny(Collection<String> granted, String scope) {
    for (String held : granted) {
      Set<String> implied = grantedBy.get(held);
      if (implied != null && implied.contains(scope)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Set<String>> closure(Map<String, List<String>> implies) {
    Map<String, Set<String>> closure = new HashMap<>();
    for (String scope : implies.keySet()) {
      LinkedHashSet<String> reached = new LinkedHashSet<>();
      List<String> pending = new ArrayList<>(List.of(scope));
      while (!pending.isEmpty()) {
        String next = pending.remove(pending.size() - 1);
        if (reached.add(next)) {
          pending.addAll(implies.getOrDefault(next, List.of()));
        }
      }
      closure.put(scope, Set.copyOf(reached));
    }
    return Map.copyOf(closure);
  }
}

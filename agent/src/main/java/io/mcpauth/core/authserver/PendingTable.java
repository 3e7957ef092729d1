package io.mcpauth.core.authserver;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Sign-in state that no password has been proven for yet (anonymous sessions, authorization
 * transactions), which anyone can create without limit. So it is short-lived, and bounded per
 * client address ({@link AddressKey}) and in all. It never refuses: an address over its share
 * loses its own oldest entry, and a full table loses the oldest entry of the address holding the
 * most, so that a flood pushes out the flooder's entries and not a newcomer's.
 *
 * <p>Every operation costs at most O(per-address cap): expiry pops from the head of one
 * insertion-ordered map (all entries live equally long), and the heaviest address is found in an
 * array of addresses bucketed by how many entries they hold.
 */
final class PendingTable<V> {

  private static final class Entry<V> {
    final String id;
    final String address;
    final V value;
    long expiresAt;

    Entry(String id, String address, V value, long expiresAt) {
      this.id = id;
      this.address = address;
      this.value = value;
      this.expiresAt = expiresAt;
    }
  }

  private final int perAddress;
  private final int capacity;
  private final long lifetimeSeconds;
  /** Oldest (soonest to expire) first. */
  private final LinkedHashMap<String, Entry<V>> entries = new LinkedHashMap<>();
  /** Each address's entries, oldest first. */
  private final Map<String, ArrayDeque<Entry<V>>> byAddress = new HashMap<>();
  /** {@code holding[n]}: the addresses holding exactly n entries, in the order they reached n. */
  private final LinkedHashSet<String>[] holding;

  @SuppressWarnings("unchecked")
  PendingTable(int perAddress, int capacity, long lifetimeSeconds) {
    if (perAddress < 1 || capacity < perAddress) {
      throw new IllegalArgumentException("perAddress " + perAddress + ", capacity " + capacity);
    }
    this.perAddress = perAddress;
    this.capacity = capacity;
    this.lifetimeSeconds = lifetimeSeconds;
    this.holding = new LinkedHashSet[perAddress + 1];
    for (int i = 1; i <= perAddress; i++) {
      holding[i] = new LinkedHashSet<>();
    }
  }

  /** Adds {@code value} for {@code address} (an {@link AddressKey}), making room as the class says. */
  synchronized void put(String id, String address, V value, long now) {
    expire(now);
    ArrayDeque<Entry<V>> own = byAddress.get(address);
    if (own != null && own.size() >= perAddress) {
      remove(own.peekFirst());
    }
    if (entries.size() >= capacity) {
      remove(byAddress.get(heaviestAddress()).peekFirst());
    }
    Entry<V> entry = new Entry<>(id, address, value, now + lifetimeSeconds);
    entries.put(id, entry);
    ArrayDeque<Entry<V>> queue = byAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
    queue.addLast(entry);
    moveBucket(address, queue.size() - 1, queue.size());
  }

  /** The live value under {@code id}, or null. */
  synchronized V get(String id, long now) {
    expire(now);
    Entry<V> entry = id == null ? null : entries.get(id);
    return entry == null || entry.expiresAt < now ? null : entry.value;
  }

  /** A full lifetime again from {@code now}: the entry becomes its address's newest. */
  synchronized void touch(String id, long now) {
    Entry<V> entry = entries.remove(id);
    if (entry == null) {
      return;
    }
    entry.expiresAt = now + lifetimeSeconds;
    entries.put(id, entry);
    ArrayDeque<Entry<V>> own = byAddress.get(entry.address);
    own.remove(entry);
    own.addLast(entry);
  }

  synchronized void remove(String id) {
    Entry<V> entry = id == null ? null : entries.get(id);
    if (entry != null) {
      remove(entry);
    }
  }

  synchronized int size() {
    return entries.size();
  }

  synchronized int size(String address) {
    ArrayDeque<Entry<V>> own = byAddress.get(address);
    return own == null ? 0 : own.size();
  }

  private void expire(long now) {
    Iterator<Entry<V>> oldest = entries.values().iterator();
    while (oldest.hasNext()) {
      Entry<V> entry = oldest.next();
      if (entry.expiresAt >= now) {
        return;
      }
      oldest.remove();
      forget(entry);
    }
  }

  private String heaviestAddress() {
    for (int n = perAddress; n > 0; n--) {
      if (!holding[n].isEmpty()) {
        return holding[n].iterator().next();
      }
    }
    throw new IllegalStateException("a full table with no address holding an entry");
  }

  private void remove(Entry<V> entry) {
    entries.remove(entry.id);
    forget(entry);
  }

  /** Drops {@code entry} from its address's records (it is already out of {@link #entries}). */
  private void forget(Entry<V> entry) {
    ArrayDeque<Entry<V>> own = byAddress.get(entry.address);
    own.remove(entry);
    moveBucket(entry.address, own.size() + 1, own.size());
    if (own.isEmpty()) {
      byAddress.remove(entry.address);
    }
  }

  private void moveBucket(String address, int from, int to) {
    if (from > 0) {
      holding[from].remove(address);
    }
    if (to > 0) {
      holding[to].add(address);
    }
  }
}

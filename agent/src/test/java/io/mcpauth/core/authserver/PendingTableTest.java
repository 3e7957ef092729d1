package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Eviction order and expiry of the table behind anonymous sessions and transactions; time is passed in. */
class PendingTableTest {

  private static final long LIFETIME = 600;

  @Test
  @DisplayName("an address over its share loses its own oldest entry, and nobody else's")
  void perAddressCapEvictsTheAddressesOldest() {
    PendingTable<String> table = new PendingTable<>(3, 100, LIFETIME);
    table.put("user", "10.0.0.1", "user", 0);
    for (int i = 0; i < 10; i++) {
      table.put("a" + i, "10.0.0.9", "a" + i, i);
    }
    assertEquals(3, table.size("10.0.0.9"));
    assertNull(table.get("a6", 10), "older entries of the flooding address are gone");
    assertNotNull(table.get("a7", 10));
    assertNotNull(table.get("a9", 10));
    assertEquals("user", table.get("user", 10), "another address is untouched");
    assertEquals(4, table.size());
  }

  @Test
  @DisplayName("a full table evicts the oldest entry of the address holding the most, never a newcomer's")
  void fullTableEvictsTheHeaviestAddressFirst() {
    PendingTable<String> table = new PendingTable<>(4, 10, LIFETIME);
    table.put("u1", "10.0.0.1", "u1", 0);           // a real user, first of all
    table.put("u2", "10.0.0.2", "u2", 0);
    for (int i = 0; i < 4; i++) {
      table.put("x" + i, "10.0.0.8", "x" + i, 1);   // attacker X holds 4
    }
    for (int i = 0; i < 4; i++) {
      table.put("y" + i, "10.0.0.9", "y" + i, 2);   // attacker Y holds 4: the table is full
    }
    assertEquals(10, table.size());

    table.put("new", "10.0.0.3", "new", 3);
    assertEquals(10, table.size());
    assertNull(table.get("x0", 3), "X reached 4 first: its oldest goes");
    assertEquals("new", table.get("new", 3));
    table.put("new2", "10.0.0.4", "new2", 3);
    assertNull(table.get("y0", 3), "then Y holds the most (4 against X's 3): its oldest goes");

    // a flood from a few addresses keeps pushing out whoever holds the most; the users stay
    for (int i = 0; i < 1000; i++) {
      table.put("z" + i, "10.1." + (i % 2) + ".1", "z" + i, 4);
    }
    assertEquals(6, table.size("10.1.0.1") + table.size("10.1.1.1") + table.size("10.0.0.8") + table.size("10.0.0.9"),
        "the four flooding addresses share what the users leave");
    assertEquals(10, table.size());
    for (String user : new String[] {"u1", "u2", "new", "new2"}) {
      assertEquals(user, table.get(user, 4), user + " survives a flood from addresses holding more");
    }
  }

  @Test
  @DisplayName("entries expire after their lifetime; touch gives a full lifetime again and makes the entry its address's newest")
  void expiryAndTouch() {
    PendingTable<String> table = new PendingTable<>(2, 100, LIFETIME);
    table.put("a", "10.0.0.1", "a", 0);
    table.put("b", "10.0.0.1", "b", 100);
    assertEquals("a", table.get("a", LIFETIME));
    assertNull(table.get("a", LIFETIME + 1), "expired");
    assertEquals(1, table.size(), "expired entries leave the table, and their address's count");
    assertEquals(1, table.size("10.0.0.1"));

    table.put("c", "10.0.0.1", "c", 200);
    table.touch("b", 500);                          // b: older than c, but touched since
    table.put("d", "10.0.0.1", "d", 560);
    assertNull(table.get("c", 560), "c became the oldest of the address once b was touched");
    assertEquals("b", table.get("b", 500 + LIFETIME), "touched: alive until 500 + lifetime");
    assertNull(table.get("b", 501 + LIFETIME));
  }

  @Test
  @DisplayName("removed entries free their address's share")
  void removeFreesTheShare() {
    PendingTable<String> table = new PendingTable<>(2, 100, LIFETIME);
    table.put("a", "10.0.0.1", "a", 0);
    table.put("b", "10.0.0.1", "b", 0);
    table.remove("a");
    table.put("c", "10.0.0.1", "c", 0);
    assertEquals("b", table.get("b", 0), "b stays: removing a made room for c");
    assertEquals(2, table.size("10.0.0.1"));
    table.remove("b");
    table.remove("c");
    table.remove("missing");
    table.remove(null);
    assertEquals(0, table.size());
    assertEquals(0, table.size("10.0.0.1"));
  }
}

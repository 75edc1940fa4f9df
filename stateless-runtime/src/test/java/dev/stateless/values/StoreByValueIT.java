package dev.stateless.values;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.SyncCache;
import dev.stateless.annotation.Backfill;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.ValueType;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * Store-by-value: no caller changes what another get returns by mutating an object it passed to set
 * or got from get, in process and with Redis under client copies.
 */
class StoreByValueIT {
  /** A mutable POJO, as Jackson reads and writes it. */
  public static final class Cart {
    public String owner = "";
    public List<String> items = new ArrayList<>();
  }

  @CacheManifest
  static final class Carts {
    @Owns("cart:{id}")
    @Backfill
    @ValueType
    Cart carts;

    @Owns("list:{id}")
    @Backfill
    @ValueType
    List<String> lists;

    @Owns("scores:{id}")
    @Backfill
    @ValueType
    int[] scores;

    @Owns("blob:{id}")
    @Backfill
    @ValueType
    byte[] blobs;

    @Owns("any:*")
    @Backfill
    Object untyped;
  }

  private static SyncCache cache(StoreContext store) {
    return store.build(b -> b.manifest(Carts.class)).sync();
  }

  @StoreMatrix
  void aPojo_mutatedAfterSetOrGet_neverChangesWhatAnotherGetReturns(StoreContext store) {
    SyncCache c = cache(store);
    Cart cart = new Cart();
    cart.owner = "ada";
    cart.items.add("lamp");
    c.set("cart:1", cart);
    cart.items.add("changed after set");
    Cart first = c.get("cart:1", Cart.class);
    assertThat(first.items).containsExactly("lamp");
    first.items.add("changed after get");
    first.owner = "mallory";
    Cart second = c.get("cart:1", Cart.class);
    assertThat(second).isNotSameAs(first);
    assertThat(second.items).containsExactly("lamp");
    assertThat(second.owner).isEqualTo("ada");
    assertThat(c.layer(CacheLayer.SERVER).get("cart:1", Cart.class).items).containsExactly("lamp");
  }

  @StoreMatrix
  void aList_andArrays_mutatedAfterSetOrGet_neverChangeWhatAnotherGetReturns(StoreContext store) {
    SyncCache c = cache(store);
    List<String> list = new ArrayList<>(List.of("a", "b"));
    c.set("list:1", list);
    list.set(0, "changed after set");
    @SuppressWarnings("unchecked")
    List<String> got = (List<String>) c.get("list:1");
    assertThat(got).containsExactly("a", "b");
    got.add("changed after get");
    assertThat(c.get("list:1")).isEqualTo(List.of("a", "b"));

    int[] scores = {1, 2, 3};
    c.set("scores:1", scores);
    scores[0] = 99;
    int[] read = c.get("scores:1", int[].class);
    assertThat(read).containsExactly(1, 2, 3);
    read[1] = 99;
    assertThat(c.get("scores:1", int[].class)).containsExactly(1, 2, 3);

    byte[] blob = {4, 5, 6};
    c.set("blob:1", blob);
    blob[0] = 0;
    byte[] b = c.get("blob:1", byte[].class);
    assertThat(b).containsExactly(4, 5, 6);
    b[2] = 0;
    assertThat(c.get("blob:1", byte[].class)).containsExactly(4, 5, 6);
  }

  @StoreMatrix
  @SuppressWarnings({"unchecked", "rawtypes"}) // get(key, List.class): a raw List
  void anUntypedMutableValue_isStoredByValueToo(StoreContext store) {
    SyncCache c = cache(store);
    List<Integer> list = new ArrayList<>(List.of(1, 2));
    c.set("any:1", list);
    list.add(3);
    List<Integer> got = c.get("any:1", List.class);
    assertThat(got).containsExactly(1, 2);
    got.clear();
    assertThat(c.get("any:1", List.class)).containsExactly(1, 2);
  }
}

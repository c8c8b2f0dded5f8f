package org.nsvpn.strongswan;

import java.util.List;
import java.util.Map;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;

/**
 * What {@link CharonInstance#apply} did.
 *
 * @param loaded connections whose configuration was sent to charon: new, changed, or (on the first
 *     apply after adopting a running charon) re-asserted, which charon treats as a no-op when equal
 * @param unloaded connections removed from charon (gone from the list, or administratively down)
 * @param unchanged connections left alone: their SAs, SPIs included, were not touched
 * @param keysReloaded connections whose PSK was (re)loaded
 * @param initiated connections without an SA that were initiated again
 * @param failed connections charon refused, with its reason
 */
public record ApplyResult(
    List<IpsecSiteConnectionId> loaded,
    List<IpsecSiteConnectionId> unloaded,
    List<IpsecSiteConnectionId> unchanged,
    List<IpsecSiteConnectionId> keysReloaded,
    List<IpsecSiteConnectionId> initiated,
    Map<IpsecSiteConnectionId, String> failed) {

  public ApplyResult {
    loaded = List.copyOf(loaded);
    unloaded = List.copyOf(unloaded);
    unchanged = List.copyOf(unchanged);
    keysReloaded = List.copyOf(keysReloaded);
    initiated = List.copyOf(initiated);
    failed = Map.copyOf(failed);
  }

  /** True when nothing was changed, initiated or refused (a periodic re-apply, usually). */
  public boolean isQuiet() {
    return loaded.isEmpty()
        && unloaded.isEmpty()
        && keysReloaded.isEmpty()
        && initiated.isEmpty()
        && failed.isEmpty();
  }
}

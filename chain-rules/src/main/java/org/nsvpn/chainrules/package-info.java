/**
 * chain-rules: the language the rest of nsvpn speaks. This package holds what every sub-package
 * shares: {@link org.nsvpn.chainrules.InvalidValueException} (every refusal names the field and the
 * value), {@link org.nsvpn.chainrules.Require} (the checks behind it) and {@link
 * org.nsvpn.chainrules.TextEnum} (enums with one canonical spelling).
 *
 * <p>The module is pure: no I/O, no threads, no logging, no runtime dependencies. Everything is an
 * immutable value or a function of values, so it can be shared freely between actors and threads.
 */
package org.nsvpn.chainrules;

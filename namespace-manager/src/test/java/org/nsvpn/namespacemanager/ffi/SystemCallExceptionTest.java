package org.nsvpn.namespacemanager.ffi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SystemCallExceptionTest {
  @Test
  void errnoValuesHaveTheirLinuxNames() {
    assertThat(Errno.name(Errno.EEXIST)).isEqualTo("EEXIST");
    assertThat(Errno.name(Errno.EPROTONOSUPPORT)).isEqualTo("EPROTONOSUPPORT");
    assertThat(Errno.name(Errno.ENETUNREACH)).isEqualTo("ENETUNREACH");
    assertThat(Errno.name(133)).isEqualTo("EHWPOISON");
    assertThat(Errno.name(4242)).isEqualTo("E4242");
  }

  @Test
  void messageNamesOperationErrnoAndDescription() {
    SystemCallException e = new SystemCallException("setns(/run/netns/x, CLONE_NEWNET)", 22);
    assertThat(e.getMessage())
        .isEqualTo("setns(/run/netns/x, CLONE_NEWNET): EINVAL (Invalid argument)");
    assertThat(e.errnoName()).isEqualTo("EINVAL");
    assertThat(e.operation()).startsWith("setns");
  }
}

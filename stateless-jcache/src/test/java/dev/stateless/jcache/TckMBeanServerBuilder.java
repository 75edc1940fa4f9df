package dev.stateless.jcache;

import javax.management.ListenerNotFoundException;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;
import javax.management.Notification;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;

/**
 * The platform MBean server, with the id the TCK's management tests look it up by (system property
 * {@code org.jsr107.tck.management.agentId}); named by {@code javax.management.builder.initial} in
 * the surefire configuration.
 */
public final class TckMBeanServerBuilder extends MBeanServerBuilder {
  @Override
  public MBeanServer newMBeanServer(
      String defaultDomain, MBeanServer outer, MBeanServerDelegate delegate) {
    return new MBeanServerBuilder()
        .newMBeanServer(defaultDomain, outer, new AgentIdDelegate(delegate));
  }

  private static final class AgentIdDelegate extends MBeanServerDelegate {
    private final MBeanServerDelegate delegate;

    AgentIdDelegate(MBeanServerDelegate delegate) {
      this.delegate = delegate;
    }

    @Override
    public String getMBeanServerId() {
      return System.getProperty("org.jsr107.tck.management.agentId");
    }

    @Override
    public String getSpecificationName() {
      return delegate.getSpecificationName();
    }

    @Override
    public String getSpecificationVersion() {
      return delegate.getSpecificationVersion();
    }

    @Override
    public String getSpecificationVendor() {
      return delegate.getSpecificationVendor();
    }

    @Override
    public String getImplementationName() {
      return delegate.getImplementationName();
    }

    @Override
    public String getImplementationVersion() {
      return delegate.getImplementationVersion();
    }

    @Override
    public String getImplementationVendor() {
      return delegate.getImplementationVendor();
    }

    @Override
    public MBeanNotificationInfo[] getNotificationInfo() {
      return delegate.getNotificationInfo();
    }

    @Override
    public void addNotificationListener(
        NotificationListener listener, NotificationFilter filter, Object handback) {
      delegate.addNotificationListener(listener, filter, handback);
    }

    @Override
    public void removeNotificationListener(
        NotificationListener listener, NotificationFilter filter, Object handback)
        throws ListenerNotFoundException {
      delegate.removeNotificationListener(listener, filter, handback);
    }

    @Override
    public void removeNotificationListener(NotificationListener listener)
        throws ListenerNotFoundException {
      delegate.removeNotificationListener(listener);
    }

    @Override
    public void sendNotification(Notification notification) {
      delegate.sendNotification(notification);
    }
  }
}

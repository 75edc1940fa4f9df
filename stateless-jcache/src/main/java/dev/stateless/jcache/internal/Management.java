package dev.stateless.jcache.internal;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * A cache's configuration MXBean, and the registration of it and of its statistics in the platform
 * MBean server under JCache's names ({@code
 * javax.cache:type=CacheConfiguration|CacheStatistics,CacheManager=<uri>,Cache=<name>}).
 */
final class Management implements CacheMXBean {
  private final CompleteConfiguration<?, ?> configuration;

  Management(CompleteConfiguration<?, ?> configuration) {
    this.configuration = configuration;
  }

  @Override
  public String getKeyType() {
    return configuration.getKeyType().getName();
  }

  @Override
  public String getValueType() {
    return configuration.getValueType().getName();
  }

  @Override
  public boolean isReadThrough() {
    return configuration.isReadThrough();
  }

  @Override
  public boolean isWriteThrough() {
    return configuration.isWriteThrough();
  }

  @Override
  public boolean isStoreByValue() {
    return configuration.isStoreByValue();
  }

  @Override
  public boolean isStatisticsEnabled() {
    return configuration.isStatisticsEnabled();
  }

  @Override
  public boolean isManagementEnabled() {
    return configuration.isManagementEnabled();
  }

  static void register(Object bean, String type, String manager, String cache) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(type, manager, cache);
    try {
      if (!server.isRegistered(name)) {
        server.registerMBean(bean, name);
      }
    } catch (InstanceAlreadyExistsException e) {
      // Registered by a racing call: the same bean name, nothing to do.
    } catch (JMException e) {
      throw new CacheException("cannot register " + name + ": " + e, e);
    }
  }

  static void unregister(String type, String manager, String cache) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(type, manager, cache);
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (InstanceNotFoundException e) {
      // Unregistered by a racing call.
    } catch (JMException e) {
      throw new CacheException("cannot unregister " + name + ": " + e, e);
    }
  }

  private static ObjectName name(String type, String manager, String cache) {
    try {
      return new ObjectName(
          "javax.cache:type=" + type + ",CacheManager=" + safe(manager) + ",Cache=" + safe(cache));
    } catch (MalformedObjectNameException e) {
      throw new CacheException("no MBean name for cache " + cache + ": " + e, e);
    }
  }

  private static String safe(String part) {
    return part.replaceAll("[,:=\n]", ".");
  }
}

package dev.stateless.spring.shop;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/** A Spring Boot application configured by {@code stateless.*} properties only. */
@SpringBootApplication
@EnableCaching
public class ShopApplication {}

import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

const RETRY_MS = 1000;

/**
 * Connects the database in the background (TypeORM's `manualInitialization`), so the app starts
 * and serves its bootstrap flags while the database is unreachable, instead of waiting for it
 * or crashing. Flags switch to the database's as soon as it answers.
 */
@Injectable()
export class DatabaseConnector implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failures = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Starts connecting without waiting: the flags module waits for the store, not for this. */
  onModuleInit(): void {
    void this.connect();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.dataSource.isInitialized) return;
    try {
      await this.dataSource.initialize(); // runs the migrations (migrationsRun)
      if (this.failures > 0) this.logger.log('Connected.');
    } catch (error) {
      if (this.failures++ === 0) {
        this.logger.error(`Cannot connect (${(error as Error).message}); retrying every second.`);
      }
      this.timer = setTimeout(() => void this.connect(), RETRY_MS);
      this.timer.unref();
    }
  }
}

/** The files of an application made by `nest new` (Nest CLI 12) that `nest add` reads or edits. */
export const NEST_NEW_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'demo',
      version: '0.0.1',
      private: true,
      type: 'module',
      scripts: { build: 'nest build', start: 'nest start', test: 'vitest run' },
      dependencies: {
        '@nestjs/common': '^12.0.1',
        '@nestjs/core': '^12.0.1',
        '@nestjs/platform-express': '^12.0.1',
        'reflect-metadata': '^0.2.2',
        rxjs: '^7.8.1',
      },
      devDependencies: { '@nestjs/cli': '^12.0.0', typescript: '^6.0.2' },
    },
    null,
    2,
  )}\n`,
  'src/app.module.ts': `import { Module } from '@nestjs/common';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`,
  'src/app.controller.ts': `import { Controller, Get } from '@nestjs/common';
import { AppService } from './app.service.js';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get()
  getHello(): string {
    return this.appService.getHello();
  }
}
`,
  'src/app.service.ts': `import { Injectable } from '@nestjs/common';

@Injectable()
export class AppService {
  getHello(): string {
    return 'Hello World!';
  }
}
`,
};

/**
 * The part of a schematics Tree that `nest add` uses, over a map of files: the schematics runtime
 * cannot load under Jest (one of its dependencies is an ES module only), so the Nest CLI's real
 * run is tested end to end in CI (test/package/nest-add.sh) and the rules here.
 */
export class FileTree {
  readonly files: Map<string, string>;

  constructor(files: Record<string, string>) {
    this.files = new Map(Object.entries(files));
  }

  read(path: string): Buffer | null {
    const text = this.files.get(path);
    return text === undefined ? null : Buffer.from(text);
  }

  readText(path: string): string {
    const text = this.files.get(path);
    if (text === undefined) throw new Error(`${path} does not exist`);
    return text;
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  create(path: string, content: string): void {
    if (this.files.has(path)) throw new Error(`${path} already exists`);
    this.files.set(path, content);
  }

  overwrite(path: string, content: string): void {
    if (!this.files.has(path)) throw new Error(`${path} does not exist`);
    this.files.set(path, content);
  }

  delete(path: string): void {
    this.files.delete(path);
  }

  snapshot(): Record<string, string> {
    return Object.fromEntries(this.files);
  }
}

/** The files of a new application, some of them replaced. */
export function nestNewTree(replaced: Record<string, string> = {}): FileTree {
  return new FileTree({ ...NEST_NEW_FILES, ...replaced });
}

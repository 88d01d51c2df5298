import { mariadbTarget, postgresTarget } from './database-targets';
import { describeTypeOrmFlagStore } from './typeorm-flag-store.suite';

/*
 * The TypeORM store on real servers (npm run test:db): PostgreSQL and MariaDB, each test run in a
 * schema or database of its own, dropped afterwards. A server that does not answer fails the
 * suite, naming the server and how to point the tests elsewhere.
 */
describeTypeOrmFlagStore(postgresTarget());
describeTypeOrmFlagStore(mariadbTarget());

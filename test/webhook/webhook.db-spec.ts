import { mariadbTarget, postgresTarget } from '../store/database-targets';
import { describeSignedEndpoints } from './signed-endpoints.suite';

// The signed endpoints on real servers (npm run test:db), each in a schema or database of its own.
describeSignedEndpoints(postgresTarget());
describeSignedEndpoints(mariadbTarget());

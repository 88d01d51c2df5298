import { mariadbTarget, postgresTarget } from '../store/database-targets';
import { describeDeliveryFuzz } from './delivery-fuzz.suite';
import { describeDeliveryOrdering } from './delivery-ordering.suite';
import { describeSignedEndpoints } from './signed-endpoints.suite';

// The signed endpoints on real servers (npm run test:db), each in a schema or database of its own.
// They run first: their table of refused tokens is signed when the file loads, and ages.
const targets = [postgresTarget(), mariadbTarget()];
for (const target of targets) describeSignedEndpoints(target);

// Fewer random deliveries than on SQLite, so that each server takes well under a minute.
for (const target of targets) {
  describeDeliveryFuzz(target, { numRuns: 80, maxDeliveries: 40 });
  describeDeliveryOrdering(target, { numRuns: 12, shuffles: 2, maxRevisions: 30 });
}

import { mariadbTarget, postgresTarget } from '../store/database-targets';
import { describeFaultMatrix } from './fault-matrix.suite';

describeFaultMatrix(postgresTarget(), 5432);
describeFaultMatrix(mariadbTarget(), 3306);

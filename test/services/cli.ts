// `npm run services`: the test servers for a shell, to run single tests against or poke at by hand.
import { startTestServices } from './test-services.ts';

const services = await startTestServices();
console.log(services.description);
console.log(`export NATS_URL=${services.natsUrl}`);
console.log(`export DATABASE_URL=${services.databaseUrl}`);
console.log('Running until Ctrl-C, which stops and deletes them.');
// Servers do not hold the event loop; this does, until a signal's exit cleanup stops them.
setInterval(() => {}, 2 ** 30);

// Every workflow the worker runs; one workflow per file.
export { pingWorkflow } from './ping';

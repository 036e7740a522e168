// Every workflow the worker runs; one workflow per file.
export { pingWorkflow } from './ping';
export { contactWorkflow } from './contact';
export { escalationWorkflow } from './escalation';

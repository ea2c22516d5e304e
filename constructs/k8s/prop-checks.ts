// Checks of construct props that every workload kind shares; each throws naming the component, the value and what is allowed.

/** Throws naming the component unless `replicas` is a whole number of at least 1. */
export function validateReplicas(component: string, replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new Error(`${component} replicas: got ${replicas}; must be a whole number of at least 1`);
  }
}

/** Throws unless `port` is one a non-root process may bind: a whole number from 1024 to 65535. */
export function validatePort(component: string, port: number): void {
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new Error(`${component} port: got ${port}; must be a whole number from 1024 to 65535 (a non-root process cannot bind lower)`);
  }
}

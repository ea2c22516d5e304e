// Commands the meta runbooks share: kubectl in the monitoring namespace, and the HTTP APIs of
// Prometheus and Alertmanager reached from inside their pods.

/** kubectl in the namespace of the monitoring stack. */
export const ns = 'kubectl -n monitoring';
/** Prometheus's HTTP API from inside its pod (the image ships busybox wget), so no port-forward is needed. */
export const promApi = (path: string, pod = 'prometheus-0') => `${ns} exec ${pod} -- wget -qO- 'http://localhost:9090${path}'`;
/** amtool inside an Alertmanager pod, pointed at that pod's own API. */
export const amtool = (args: string, pod = 'alertmanager-0') =>
  `${ns} exec ${pod} -- amtool ${args} --alertmanager.url=http://localhost:9093`;
export const promLogs = `${ns} logs <pod> -c prometheus --tail=200`;
export const amLogs = `${ns} logs <pod> -c alertmanager --tail=200`;

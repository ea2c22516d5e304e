import type { Runbook } from './types';

// The global Prometheus runs in the monitoring namespace of the global environment's cluster; members
// are reached with `--context <cluster>`, the member's kubeconfig context.
const global = 'kubectl -n monitoring';
const member = 'kubectl --context <cluster> -n monitoring';
const federate = (match: string) =>
  `${global} exec prometheus-global-0 -- wget -qO- -T 5 'http://<endpoint>/federate?match[]=${match}' | head -20`;
const pointAtReplica1 = `${member} patch service prometheus-federate --type merge -p '{"spec":{"selector":{"statefulset.kubernetes.io/pod-name":"prometheus-1"}}}'`;

/** Runbooks of the global Prometheus's alerts (rules/groups/federation.ts). */
export const federationRunbooks: readonly Runbook[] = [
  {
    alert: 'FederationTargetDown',
    meaning:
      "The global Prometheus has failed every scrape of a member cluster's /federate for 5 minutes. It federates each member through the member's prometheus-federate Service, which selects only replica prometheus-0 so an HA pair is not counted twice: this alert also fires while that one replica is down.",
    impact:
      'The fleet dashboard and the fleet alerts miss the cluster (FleetEpisodeRateLow may follow as its episodes drop out of the sum). The member still alerts on its own problems.',
    diagnosis: [
      {
        text: 'Read the scrape error (timeout, connection refused, 403 from a proxy) on the Targets page of the global Prometheus.',
        command: `${global} port-forward svc/prometheus-global 9090\n# then open http://127.0.0.1:9090/targets?search=federate`,
      },
      { text: 'See which members are down.', query: 'up{job=~"federate(-.+)?"} == 0' },
      {
        text: "Check the member's replica 0 and whether the prometheus-federate Service has an endpoint.",
        command: `${member} get pods -l app.kubernetes.io/name=prometheus -o wide\n${member} get endpoints prometheus-federate`,
      },
      {
        text: 'Fetch /federate from the global Prometheus pod; a timeout points at the network (the NetworkPolicy or load balancer admits only `federation.globalSources`).',
        command: `${federate('{job="prometheus"}')}\n${member} get networkpolicy prometheus-federate -o yaml`,
      },
    ],
    mitigation: [
      {
        text: 'If prometheus-0 stays down, point the Service at replica 1; its series continue the same ones, since the replica label is dropped. The next deployment points it back at replica 0.',
        command: pointAtReplica1,
      },
      {
        text: "If the network refuses the global Prometheus, add its VPC to the member's `federation.globalSources`, then synthesize and deploy the member.",
        command: 'npm run synth -- <member environment>',
      },
    ],
  },
  {
    alert: 'FederatedDataStale',
    meaning:
      "A member answers /federate, but its data has stopped moving: the newest `job:up:count` sample from it is more than 5 minutes old. Every member records `job:up:count` on each rule evaluation whatever workloads it runs, and federation keeps the member's timestamps, so that sample's age is how long ago the member last evaluated its rules. The Mage or MoE `up` series would not do: a cluster without those workloads has none. The rule remembers the newest sample for 1 hour after the federated series go stale; a member with no sample in the last hour (or one that exports none at all) reads as 1 hour old.",
    impact:
      'The fleet dashboard shows the cluster frozen at old values or empty, and fleet alerts judge it on stale data. The member itself is probably not alerting either: check it directly.',
    diagnosis: [
      {
        text: 'See how old the newest sample of each member is, in seconds.',
        query: 'time() - max by (cluster) (timestamp(job:up:count))',
      },
      {
        text: "Ask the member what /federate returns; the number after each value is the sample's timestamp in milliseconds.",
        command: federate('job:up:count'),
      },
      {
        text: "Check the member's rule evaluation and ingestion on replica 0: a stuck or crash-looping Prometheus, missed rule evaluations, a full volume.",
        command: `${member} get pods -l app.kubernetes.io/name=prometheus -o wide\n${member} logs prometheus-0 -c prometheus --tail=200\n${member} exec prometheus-0 -c prometheus -- df -h /prometheus`,
      },
      {
        text: "Compare the clocks: federated timestamps come from the member's clock, so a member running behind looks stale.",
        command: `${member} exec prometheus-0 -c prometheus -- date -u\n${global} exec prometheus-global-0 -- date -u`,
      },
    ],
    mitigation: [
      {
        text: 'Restart a stuck replica 0, or point the federation Service at replica 1 while it recovers.',
        command: `${member} delete pod prometheus-0\n${pointAtReplica1}`,
      },
      { text: "If the member's volume is full, grow its `prometheus.storage.size` or shorten its `prometheus.retention`, then deploy it." },
      { text: "If the clocks differ, fix time synchronisation on the member's node (Amazon Time Sync through chrony)." },
    ],
  },
  {
    alert: 'FleetEpisodeRateLow',
    meaning:
      'The Mage workers of all federated clusters together have completed fewer than 1 self-play episode per second for 15 minutes. No Mage data from any member counts as 0.',
    impact: 'The learners of the whole fleet get little fresh experience: training progress per GPU hour drops everywhere at once.',
    diagnosis: [
      {
        text: 'See which clusters contribute; a cluster missing here has no workers or is not federated.',
        query: 'sum by (cluster) (namespace_app:mage_episodes_completed:rate5m)',
      },
      {
        text: 'Rule out federation first: FederationTargetDown and FederatedDataStale name members whose data is missing.',
        query: 'up{job=~"federate(-.+)?"}',
      },
      {
        text: 'Check the workers in each low cluster.',
        command: 'kubectl --context <cluster> get deployment,pods -n mage -l app=mage-worker',
      },
      { text: "Follow the member's LowEpisodeGenerationRate and PythonBridgeErrors runbooks for the clusters whose rate fell." },
    ],
    mitigation: [
      {
        text: 'If the rate fell after a rollout, roll the workers back in the affected clusters.',
        command:
          'kubectl --context <cluster> rollout undo -n mage deployment/mage-worker\nkubectl --context <cluster> rollout status -n mage deployment/mage-worker',
      },
      {
        text: 'If workers were scaled down or evicted, scale them back up.',
        command: 'kubectl --context <cluster> scale -n mage deployment/mage-worker --replicas=<n>',
      },
    ],
  },
];

import { JOBS } from '../../contracts/jobs';
import { GPU } from '../thresholds';
import type { Runbook } from './types';

/** nvidia-smi in the DCGM exporter pod of the alert's node: the exporter sees every GPU of its node. */
const nvidiaSmi = (args: string) =>
  `pod=$(kubectl -n monitoring get pods -l app.kubernetes.io/name=dcgm-exporter \\\n  --field-selector spec.nodeName=<node> -o name)\nkubectl -n monitoring exec "$pod" -- nvidia-smi ${args}`;
const podsOnNode = 'kubectl get pods -A --field-selector spec.nodeName=<node> -o wide';
const drain = 'kubectl cordon <node>\nkubectl drain <node> --ignore-daemonsets --delete-emptydir-data --timeout=15m';
const dcgm = (field: string) => `${field}{job="${JOBS.dcgmExporter}", node="<node>"}`;

export const gpuRunbooks: readonly Runbook[] = [
  {
    alert: 'GPUTemperatureHigh',
    meaning: `A GPU has been hotter than ${GPU.maxTemperatureCelsius} °C for 5 minutes.`,
    impact:
      'Near its slowdown temperature the GPU lowers its clocks; a synchronous training job then runs at the pace of its hottest GPU. Left alone, the GPU may shut down and take its jobs with it.',
    diagnosis: [
      {
        text: 'See whether one GPU or every GPU of the node is hot: one GPU points at that board, all of them at the host’s cooling or a workload that loads them all.',
        query: `max by (node, gpu) (nvidia_gpu_temperature) > ${GPU.maxTemperatureCelsius - 5}`,
      },
      {
        text: 'Read the temperature, the throttle reasons and the power draw as the driver reports them.',
        command: nvidiaSmi('-q -d TEMPERATURE,PERFORMANCE,POWER'),
      },
      {
        text: 'Compare SM clock and power with the node’s other GPUs; a hot GPU with a low clock is already throttling.',
        query: `${dcgm('DCGM_FI_DEV_SM_CLOCK')}\n${dcgm('DCGM_FI_DEV_POWER_USAGE')}`,
      },
      { text: 'List what runs on the node, to know which jobs are slowed down.', command: podsOnNode },
    ],
    mitigation: [
      {
        text: 'If the node stays hot, keep new work off it and move the running jobs once they have checkpointed; they resume on another node.',
        command: drain,
      },
      {
        text: 'Cooling of a cloud instance cannot be fixed from inside: terminate the drained instance so the node group replaces it on other hardware.',
        command: "kubectl get node <node> -o jsonpath='{.spec.providerID}'\naws ec2 terminate-instances --instance-ids <instance-id>",
      },
    ],
  },
  {
    alert: 'GPUXidError',
    meaning:
      'The NVIDIA driver reported an XID error for a GPU; the alert’s value is the XID code. DCGM keeps the last code until the DCGM exporter restarts, so the alert stays on after the event.',
    impact:
      'Codes 13, 31, 43 and 45 usually come from an application fault that killed its own process. Codes 48, 63, 64, 74, 79, 92, 94, 95, 119 and 120 (ECC errors, row remapping, NVLink, GPU fallen off the bus, GSP) mean unhealthy hardware: jobs on the GPU crash or hang in NCCL collectives until the GPU is reset or replaced.',
    diagnosis: [
      { text: 'See the XID code of every affected GPU.', query: `DCGM_FI_DEV_XID_ERRORS{job="${JOBS.dcgmExporter}"} != 0` },
      {
        text: 'Read the driver’s XID lines in the node’s kernel log; they name the PCI address and often the process. Delete the node-debugger pod afterwards.',
        command: `kubectl debug node/<node> -it --profile=sysadmin --image=busybox -- sh -c 'dmesg | grep -i xid'`,
      },
      {
        text: 'Check the GPU as the driver sees it: ERR! or a missing GPU means it fell off the bus; pending row remaps and uncorrectable ECC errors mean it needs a reset.',
        command: nvidiaSmi('-q -d ECC,ROW_REMAPPER,PAGE_RETIREMENT'),
      },
      { text: 'List the pods on the node and read the logs of the GPU jobs for CUDA or NCCL errors.', command: podsOnNode },
    ],
    mitigation: [
      {
        text: 'For a hardware code, cordon and drain the node so GPU jobs reschedule elsewhere and resume from their checkpoints.',
        command: drain,
      },
      {
        text: 'Then reboot or replace the instance; if the same GPU reports hardware XIDs again after a reboot, replace the instance.',
        command: "kubectl get node <node> -o jsonpath='{.spec.providerID}'\naws ec2 reboot-instances --instance-ids <instance-id>",
      },
      {
        text: 'For an application code, fix or restart the job. Once the GPU is healthy, recreate the DCGM exporter pod of the node to clear the stale code, and uncordon the node.',
        command:
          'kubectl -n monitoring delete pod -l app.kubernetes.io/name=dcgm-exporter --field-selector spec.nodeName=<node>\nkubectl uncordon <node>',
      },
    ],
  },
];

import { KubePriorityClass } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { standardLabels } from '../k8s/labels';

/** `system-cluster-critical`; user classes stay far below it so cluster add-ons always win. */
const SYSTEM_CLUSTER_CRITICAL = 2_000_000_000;

export interface PriorityClassesProps {
  /** `app.kubernetes.io/instance`, e.g. the cluster name. */
  readonly instance: string;
  /**
   * Priority of the MoE trainer's pods.
   * @default 100000
   */
  readonly trainingValue?: number;
  /**
   * Priority of the MoE inference pods; must be above `trainingValue`.
   * @default 200000
   */
  readonly inferenceValue?: number;
}

/**
 * The cluster's GPU priorities. Training gets a class so it can preempt lower-priority GPU pods
 * (Mage learners, experiments) when it restarts. Inference gets a higher one: without a class it
 * would be priority 0, and a restarting trainer could preempt user-facing serving; with it, an
 * inference scale-up may preempt the trainer, which resumes from its last checkpoint.
 */
export class PriorityClasses extends Construct {
  public readonly trainingClassName = 'moe-training';
  public readonly inferenceClassName = 'moe-inference';

  constructor(scope: Construct, id: string, props: PriorityClassesProps) {
    super(scope, id);
    const trainingValue = props.trainingValue ?? 100_000;
    const inferenceValue = props.inferenceValue ?? 200_000;
    for (const [prop, value] of [
      ['trainingValue', trainingValue],
      ['inferenceValue', inferenceValue],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value >= SYSTEM_CLUSTER_CRITICAL / 2) {
        throw new Error(`PriorityClasses ${prop}: got ${value}; must be a whole number from 1 to ${SYSTEM_CLUSTER_CRITICAL / 2 - 1}`);
      }
    }
    if (inferenceValue <= trainingValue) {
      throw new Error(`PriorityClasses inferenceValue: got ${inferenceValue}; must be above trainingValue ${trainingValue}`);
    }
    const labels = standardLabels({ name: 'priority-classes', component: 'scheduling', instance: props.instance });
    new KubePriorityClass(this, 'Training', {
      metadata: { name: this.trainingClassName, labels },
      value: trainingValue,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'MoE training: may preempt lower-priority GPU pods; yields to inference.',
    });
    new KubePriorityClass(this, 'Inference', {
      metadata: { name: this.inferenceClassName, labels },
      value: inferenceValue,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'MoE inference: user-facing serving, may preempt training, which resumes from a checkpoint.',
    });
  }
}

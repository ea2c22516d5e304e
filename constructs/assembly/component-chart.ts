import { Chart, type ChartProps } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';

export interface ComponentChartProps extends ChartProps {
  /** Names the manifest file, `<component>.yaml`. */
  readonly component: string;
}

/** Brands component charts; see addConfigFiles. */
const COMPONENT_CHART = Symbol.for('gpu-observability-stack.ComponentChart');

/**
 * One chart per component, so each component lands in its own manifest file, plus the raw
 * configuration files it embeds (written to dist/<env>/config/ for standard tools to check).
 */
export class ComponentChart extends Chart {
  /** Records config files for the ComponentChart that contains `scope`; a no-op in a plain Chart. */
  static addConfigFiles(scope: IConstruct, files: Readonly<Record<string, string>>): void {
    const chart: Chart = Chart.of(scope);
    // Not `instanceof`: cdk8s's Chart answers it for every chart, subclasses included.
    if (!ComponentChart.isComponentChart(chart)) return;
    for (const [path, content] of Object.entries(files)) chart.addConfigFile(path, content);
  }

  static isComponentChart(chart: Chart): chart is ComponentChart {
    return COMPONENT_CHART in chart;
  }

  public readonly component: string;
  public readonly [COMPONENT_CHART] = true;
  private readonly files = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ComponentChartProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.component = props.component;
  }

  /** Records `content` as `config/<path>`; throws if another construct claimed the path. */
  addConfigFile(path: string, content: string): void {
    if (this.files.has(path)) throw new Error(`config file "${path}" is written twice in chart "${this.node.id}"`);
    this.files.set(path, content);
  }

  get configFiles(): ReadonlyMap<string, string> {
    return this.files;
  }
}
